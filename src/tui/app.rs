//! The TUI's whole state and `update`, the only place it changes. `update` does no I/O: work in
//! the outside world is returned as `Effect`s, and the time is state the runtime sets, so every
//! behaviour here can be tested by feeding messages.

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use crate::error::LookupError;
use crate::lookup::{LookupEvent, LookupOutcome};
use crate::sanitize::sanitize;
use crate::secrets::ApiKey;
pub use crate::tui::error_view::{ErrorKind, ErrorView};
pub use crate::tui::input::TextInput;
use crate::tui::input::typed_char;
use crate::tui::keymap::{Action, Context, KeyMap};
use crate::tui::message::{Effect, KeyStatus, Message, RequestId};
use crate::tui::ui::layout;
use crate::tui::ui::theme::Theme;
use crate::tui::view::{Pane, ProfileView};
use crate::vendor::{Connection, Lookup, LookupKind, VendorKind};

/// Rate-limited lookups retry by themselves at most this many times before waiting for Enter.
const MAX_AUTO_RETRIES: u32 = 3;
const MAX_RECENT: usize = crate::history::MAX_ENTRIES;
const PROFILE_CACHE: usize = 16;

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

/// A vendor connection in the picker.
#[derive(Clone, Debug)]
pub struct ConnEntry {
    pub name: String,
    pub vendor: VendorKind,
    /// `Err` holds why it cannot be used yet (e.g. User.com without a subdomain).
    pub connection: Result<Connection, String>,
    pub key: KeyStatus,
}

/// A demo user offered as a hint in `--demo`.
#[derive(Clone, Debug, PartialEq)]
pub struct DemoHint {
    pub vendor: VendorKind,
    pub lookup: Lookup,
    pub label: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Start,
    Profile,
    /// Two profiles side by side (`C`), or choosing the second one.
    Compare,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StartFocus {
    Vendors,
    Input,
    /// Demo users (only in `--demo`).
    Users,
    Recent,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RecentLookup {
    pub connection: String,
    pub vendor: VendorKind,
    pub lookup: Lookup,
    /// Display name on success, else the short error ("not found", "HTTP 401").
    pub outcome: String,
    pub ok: bool,
    pub at: DateTime<Utc>,
    /// Why it failed, kept apart from `outcome` for the history file.
    pub not_found: bool,
}

impl RecentLookup {
    /// The persisted form: no display name (that is vendor data), no key, no payload.
    pub fn to_entry(&self) -> crate::history::Entry {
        use crate::history::Outcome;
        crate::history::Entry {
            connection: self.connection.clone(),
            vendor: self.vendor,
            by: self.lookup.by,
            value: self.lookup.value.clone(),
            at: self.at,
            outcome: if self.ok {
                Outcome::Ok
            } else if self.not_found {
                Outcome::NotFound
            } else {
                Outcome::Error {
                    kind: self.outcome.clone(),
                }
            },
        }
    }

    pub fn from_entry(e: &crate::history::Entry) -> RecentLookup {
        RecentLookup {
            connection: e.connection.clone(),
            vendor: e.vendor,
            lookup: e.lookup(),
            outcome: sanitize(e.outcome.label()).into_owned(),
            ok: e.outcome.is_ok(),
            at: e.at,
            not_found: e.outcome == crate::history::Outcome::NotFound,
        }
    }
}

/// A profile kept in memory so going back to a recent lookup is instant.
#[derive(Clone, Debug)]
pub struct CachedProfile {
    pub connection: String,
    pub lookup: Lookup,
    pub fetched: DateTime<Utc>,
    pub outcome: Arc<LookupOutcome>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateWait {
    pub until: Instant,
    pub attempt: u32,
}

#[derive(Clone, Debug)]
pub struct Loading {
    pub request: RequestId,
    pub conn_index: usize,
    pub vendor: VendorKind,
    pub lookup: Lookup,
    pub started: Instant,
    pub rate_limit: Option<RateWait>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DialogState {
    Editing,
    Saving,
    Failed(String),
    /// `--demo`: the demo server accepts only its built-in keys, which are always used.
    DemoFixed,
}

#[derive(Clone, Debug)]
pub struct KeyDialog {
    pub conn_index: usize,
    /// Why it opened ("Coho rejected the key (HTTP 401)").
    pub reason: Option<String>,
    pub input: TextInput,
    pub state: DialogState,
}

#[derive(Clone, Debug)]
pub enum Overlay {
    Help {
        scroll: usize,
    },
    Detail {
        title: String,
        lines: Vec<String>,
        scroll: usize,
    },
    KeyDialog(KeyDialog),
    Export(crate::tui::export::ExportDialog),
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
    pub connections: Vec<ConnEntry>,
    pub demo_users: Vec<DemoHint>,
    pub selected: usize,
    pub kind: LookupKind,
    pub input: TextInput,
    pub start_focus: StartFocus,
    /// Cursor in the demo-users or recent list, whichever has focus.
    pub list_cursor: usize,
    pub recent: Vec<RecentLookup>,
    /// Where the recent lookups persist (`None`: this run keeps them in memory only).
    pub history_path: Option<std::path::PathBuf>,
    /// The last `PROFILE_CACHE` profiles, newest first.
    pub profile_cache: Vec<CachedProfile>,
    /// `D` was pressed once on the recent list; a second `D` clears it.
    pub confirm_clear: bool,
    /// Added to every copy toast when the terminal probably ignores OSC 52.
    pub clipboard_warning: Option<String>,
    pub screen: Screen,
    pub loading: Option<Loading>,
    pub error: Option<ErrorView>,
    pub notice: Option<String>,
    pub profile: Option<ProfileView>,
    /// The Compare screen: side A, and side B once chosen.
    pub compare: Option<crate::tui::compare_view::CompareState>,
    pub overlay: Option<Overlay>,
    /// The focused pane's filter while it is being typed (Enter keeps it, Esc clears it).
    pub filter_edit: Option<TextInput>,
    pub next_request: RequestId,
    pub auto_retries: u32,
    pub size: Rect,
    pub clock: Clock,
    /// Set when the app should end, with the process exit code.
    pub exit: Option<i32>,
    /// Printed after the terminal is restored (why a file could not be shown).
    pub exit_note: Option<String>,
}

impl App {
    pub fn new(init: AppInit, clock: Clock) -> App {
        let selected = init.selected.min(init.connections.len().saturating_sub(1));
        let vendor = init
            .connections
            .get(selected)
            .map_or(VendorKind::Coho, |c| c.vendor);
        let kind = init
            .kind
            .filter(|k| vendor.lookup_kinds().contains(k))
            .unwrap_or_else(|| vendor.default_lookup());
        App {
            keymap: init.keymap,
            theme: init.theme,
            demo: init.demo,
            connections: init.connections,
            demo_users: init.demo_users,
            selected,
            kind,
            input: TextInput::new(&init.input),
            start_focus: StartFocus::Input,
            list_cursor: 0,
            recent: Vec::new(),
            history_path: None,
            profile_cache: Vec::new(),
            confirm_clear: false,
            clipboard_warning: None,
            screen: Screen::Start,
            loading: None,
            error: None,
            notice: None,
            profile: None,
            compare: None,
            overlay: None,
            filter_edit: None,
            next_request: 0,
            auto_retries: 0,
            size: Rect::new(0, 0, 80, 24),
            clock,
            exit: None,
            exit_note: None,
        }
    }

    /// Start with the stored history (newest first), saved back to `path` as lookups finish.
    pub fn load_history(&mut self, path: std::path::PathBuf, entries: &[crate::history::Entry]) {
        self.recent = entries
            .iter()
            .take(MAX_RECENT)
            .map(RecentLookup::from_entry)
            .collect();
        self.history_path = Some(path);
    }

    fn save_history_effect(&self) -> Vec<Effect> {
        match &self.history_path {
            Some(path) => vec![Effect::SaveHistory {
                path: path.clone(),
                entries: self.recent.iter().map(RecentLookup::to_entry).collect(),
            }],
            None => Vec::new(),
        }
    }

    fn cache_profile(&mut self, outcome: &Arc<LookupOutcome>) {
        self.profile_cache
            .retain(|c| !(c.connection == outcome.connection && c.lookup == outcome.lookup));
        self.profile_cache.insert(
            0,
            CachedProfile {
                connection: outcome.connection.clone(),
                lookup: outcome.lookup.clone(),
                fetched: self.clock.wall,
                outcome: Arc::clone(outcome),
            },
        );
        self.profile_cache.truncate(PROFILE_CACHE);
    }

    pub fn selected_conn(&self) -> Option<&ConnEntry> {
        self.connections.get(self.selected)
    }

    pub fn selected_vendor(&self) -> VendorKind {
        self.selected_conn().map_or(VendorKind::Coho, |c| c.vendor)
    }

    /// Demo users of the selected vendor.
    pub fn visible_demo_users(&self) -> Vec<&DemoHint> {
        let vendor = self.selected_vendor();
        self.demo_users
            .iter()
            .filter(|u| u.vendor == vendor)
            .collect()
    }

    /// Whether keys go into a text field (then `q` and digits are typed, not commands).
    pub fn is_typing(&self) -> bool {
        match &self.overlay {
            Some(Overlay::KeyDialog(d)) => d.state != DialogState::DemoFixed,
            Some(Overlay::Export(_)) => true,
            Some(_) => false,
            None => match self.screen {
                Screen::Start => self.start_focus == StartFocus::Input,
                Screen::Profile => self.filter_edit.is_some(),
                Screen::Compare => crate::tui::compare_view::is_editing(self),
            },
        }
    }

    /// Whether something on screen moves with time (spinner, countdown): the runtime ticks then.
    pub fn animating(&self) -> bool {
        self.loading.is_some() || self.error.as_ref().is_some_and(|e| e.retry_at.is_some())
    }

    pub fn contexts(&self) -> Vec<Context> {
        let mut contexts = Vec::new();
        if self.is_typing() {
            contexts.push(Context::Typing);
        }
        if self.screen == Screen::Profile
            && self.profile.as_ref().is_some_and(|v| v.focus == Pane::Raw)
        {
            contexts.push(Context::Raw);
        }
        contexts.push(match self.screen {
            Screen::Start => Context::Start,
            Screen::Profile => Context::Profile,
            Screen::Compare => Context::Compare,
        });
        contexts
    }

    /// Effects to run at start: check which connections have a key; with `--lookup`, look up.
    pub fn initial_effects(&mut self, run_lookup: bool) -> Vec<Effect> {
        let conns: Vec<Connection> = self
            .connections
            .iter()
            .filter_map(|c| c.connection.as_ref().ok().cloned())
            .collect();
        let mut effects = vec![Effect::CheckKeys(conns)];
        if run_lookup {
            effects.extend(self.submit());
        }
        effects
    }

    pub(crate) fn quit(&mut self, code: i32) -> Vec<Effect> {
        self.exit = Some(code);
        match self.loading.take() {
            Some(l) => vec![Effect::CancelLookup { request: l.request }],
            None => Vec::new(),
        }
    }

    /// Run the lookup typed on the start screen.
    fn submit(&mut self) -> Vec<Effect> {
        let value = self.input.text().trim().to_owned();
        if value.is_empty() {
            self.notice = Some(format!("Type a {} to look up first", self.kind));
            self.start_focus = StartFocus::Input;
            return Vec::new();
        }
        self.auto_retries = 0;
        self.start_lookup(self.selected, Lookup::new(self.kind, value))
    }

    fn start_lookup(&mut self, conn_index: usize, lookup: Lookup) -> Vec<Effect> {
        let mut effects = Vec::new();
        if let Some(old) = self.loading.take() {
            effects.push(Effect::CancelLookup {
                request: old.request,
            });
        }
        let Some(entry) = self.connections.get(conn_index) else {
            return effects;
        };
        self.notice = None;
        self.error = None;
        let connection = match &entry.connection {
            Ok(c) => c.clone(),
            Err(why) => {
                self.error = Some(ErrorView {
                    kind: ErrorKind::Usage,
                    title: format!("{} is not set up", entry.name),
                    message: sanitize(why).into_owned(),
                    fix: None,
                    status: None,
                    retry_at: None,
                });
                self.screen = Screen::Start;
                return effects;
            }
        };
        self.next_request += 1;
        let request = self.next_request;
        self.loading = Some(Loading {
            request,
            conn_index,
            vendor: entry.vendor,
            lookup: lookup.clone(),
            started: self.clock.instant,
            rate_limit: None,
        });
        effects.push(Effect::StartLookup {
            request,
            connection,
            lookup,
        });
        effects
    }

    fn cancel(&mut self) -> Vec<Effect> {
        match self.loading.take() {
            Some(l) => {
                self.notice = Some(format!("Lookup of {} cancelled", sanitize(&l.lookup.value)));
                vec![Effect::CancelLookup { request: l.request }]
            }
            None => Vec::new(),
        }
    }

    fn record_recent(
        &mut self,
        conn_index: usize,
        lookup: &Lookup,
        outcome: String,
        ok: bool,
        not_found: bool,
    ) -> Vec<Effect> {
        let Some(entry) = self.connections.get(conn_index) else {
            return Vec::new();
        };
        let item = RecentLookup {
            connection: entry.name.clone(),
            vendor: entry.vendor,
            lookup: lookup.clone(),
            outcome,
            ok,
            at: self.clock.wall,
            not_found,
        };
        self.recent
            .retain(|r| !(r.connection == item.connection && r.lookup == item.lookup));
        self.recent.insert(0, item);
        self.recent.truncate(MAX_RECENT);
        self.save_history_effect()
    }

    fn on_lookup_done(
        &mut self,
        request: RequestId,
        result: Result<LookupOutcome, LookupError>,
    ) -> Vec<Effect> {
        // A result for a lookup that was replaced or cancelled is stale: drop it.
        if self.loading.as_ref().map(|l| l.request) != Some(request) {
            tracing::debug!(request, "dropping a stale lookup result");
            return Vec::new();
        }
        let Some(loading) = self.loading.take() else {
            return Vec::new();
        };
        match result {
            Ok(outcome) => {
                let name = outcome
                    .profile
                    .display_name
                    .clone()
                    .or_else(|| outcome.profile.id.clone())
                    .unwrap_or_else(|| loading.lookup.value.clone());
                let effects =
                    self.record_recent(loading.conn_index, &loading.lookup, name, true, false);
                let outcome = Arc::new(outcome);
                self.cache_profile(&outcome);
                self.error = None;
                self.auto_retries = 0;
                if crate::tui::compare_view::awaiting_side_b(self) {
                    // Side B of a comparison: the profile on show stays side A.
                    crate::tui::compare_view::open_with(self, &outcome);
                    return effects;
                }
                self.profile = Some(ProfileView::new(outcome));
                self.screen = Screen::Profile;
                effects
            }
            Err(LookupError::Cancelled) => {
                self.notice = Some("Lookup cancelled".to_owned());
                Vec::new()
            }
            Err(err) => {
                tracing::info!(vendor = %loading.vendor, error = %err, "lookup failed");
                let view = ErrorView::from_error(&err, &self.keymap, self.clock.instant);
                let short = match view.kind {
                    ErrorKind::NotFound => "not found".to_owned(),
                    _ => match view.status {
                        Some(s) => format!("HTTP {s}"),
                        None => view.title.to_lowercase(),
                    },
                };
                let not_found = view.kind == ErrorKind::NotFound;
                let effects = self.record_recent(
                    loading.conn_index,
                    &loading.lookup,
                    short,
                    false,
                    not_found,
                );
                let wants_key = matches!(view.kind, ErrorKind::NoKey | ErrorKind::KeyRejected);
                self.error = Some(view);
                self.screen = Screen::Start;
                self.start_focus = StartFocus::Input;
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
        self.overlay = Some(Overlay::KeyDialog(KeyDialog {
            conn_index,
            reason,
            input: TextInput::masked(),
            state: if self.demo {
                DialogState::DemoFixed
            } else {
                DialogState::Editing
            },
        }));
    }

    fn on_tick(&mut self) -> Vec<Effect> {
        let due = self
            .error
            .as_ref()
            .and_then(|e| e.retry_at)
            .is_some_and(|at| at <= self.clock.instant);
        if due && self.loading.is_none() {
            if let Some(e) = self.error.as_mut() {
                e.retry_at = None;
            }
            if self.auto_retries < MAX_AUTO_RETRIES
                && let Some(last) = self.recent.first().cloned()
                && let Some(index) = self
                    .connections
                    .iter()
                    .position(|c| c.name == last.connection)
            {
                self.auto_retries += 1;
                return self.start_lookup(index, last.lookup);
            }
        }
        Vec::new()
    }

    fn viewport_rows(&self) -> usize {
        usize::from(layout::pane_rows(self.size))
    }

    fn move_selection(&mut self, action: Action) {
        let rows = self.viewport_rows().max(1);
        let Some(view) = self.profile.as_mut() else {
            return;
        };
        let pane = view.focus;
        let count = view.row_count(pane);
        let Some(s) = view.scroll_mut(pane) else {
            return;
        };
        let last = count.saturating_sub(1);
        s.selected = match action {
            Action::Up => s.selected.saturating_sub(1),
            Action::Down => (s.selected + 1).min(last),
            Action::PageUp => s.selected.saturating_sub(rows),
            Action::PageDown => (s.selected + rows).min(last),
            Action::Top => 0,
            Action::Bottom => last,
            _ => s.selected,
        };
        keep_visible(s, rows);
    }

    fn scroll_lines(&mut self, down: bool, lines: usize) {
        for _ in 0..lines {
            self.move_selection(if down { Action::Down } else { Action::Up });
        }
    }

    fn open_detail(&mut self) {
        let Some(view) = self.profile.as_ref() else {
            return;
        };
        let pane = view.focus;
        let selected = view.scroll(pane).selected;
        let Some(row) = view.row(pane, selected, self.clock.wall) else {
            return;
        };
        let body = row.detail.clone().unwrap_or_else(|| row.value.clone());
        let lines = body.lines().map(|l| sanitize(l).into_owned()).collect();
        let title = if row.key.trim().is_empty() {
            pane.title().to_owned()
        } else {
            row.key.trim().to_owned()
        };
        self.overlay = Some(Overlay::Detail {
            title,
            lines,
            scroll: 0,
        });
    }

    fn change_vendor(&mut self, down: bool) {
        let n = self.connections.len();
        if n == 0 {
            return;
        }
        self.selected = if down {
            (self.selected + 1) % n
        } else {
            (self.selected + n - 1) % n
        };
        // Each vendor starts at its own default kind (User.com: the cookie key).
        self.kind = self.selected_vendor().default_lookup();
        self.list_cursor = 0;
    }

    fn start_focus_order(&self) -> Vec<StartFocus> {
        let mut order = vec![StartFocus::Vendors, StartFocus::Input];
        if self.demo {
            order.push(StartFocus::Users);
        }
        order.push(StartFocus::Recent);
        order
    }

    fn cycle_start_focus(&mut self, forward: bool) {
        let order = self.start_focus_order();
        let pos = order
            .iter()
            .position(|f| *f == self.start_focus)
            .unwrap_or(0);
        let n = order.len();
        let next = if forward {
            (pos + 1) % n
        } else {
            (pos + n - 1) % n
        };
        self.start_focus = order.get(next).copied().unwrap_or(StartFocus::Input);
        self.list_cursor = 0;
    }

    fn list_len(&self) -> usize {
        match self.start_focus {
            StartFocus::Users => self.visible_demo_users().len(),
            StartFocus::Recent => self.recent.len(),
            _ => 0,
        }
    }

    /// Show a cached profile for this lookup, if one is in memory; `r` fetches it again.
    fn show_cached(&mut self, connection: &str, lookup: &Lookup) -> Option<Vec<Effect>> {
        let cached = self
            .profile_cache
            .iter()
            .find(|c| c.connection == connection && c.lookup == *lookup)
            .cloned()?;
        let effects = match self.loading.take() {
            Some(old) => vec![Effect::CancelLookup {
                request: old.request,
            }],
            None => Vec::new(),
        };
        if crate::tui::compare_view::awaiting_side_b(self) {
            self.error = None;
            crate::tui::compare_view::open_with(self, &cached.outcome);
            return Some(effects);
        }
        self.profile = Some(ProfileView::new(cached.outcome));
        self.screen = Screen::Profile;
        self.error = None;
        self.notice = Some(format!(
            "Cached result from {} — {} refreshes",
            cached.fetched.format("%H:%M:%S UTC"),
            self.keymap.key_for(Action::Retry)
        ));
        Some(effects)
    }

    fn apply_start(&mut self, action: Action) -> Vec<Effect> {
        if action != Action::ClearHistory {
            self.confirm_clear = false;
        }
        match action {
            Action::OpenLookup => self.start_focus = StartFocus::Input,
            Action::Back => {
                if self.loading.is_some() {
                    return self.cancel();
                }
                if self.start_focus != StartFocus::Input {
                    self.start_focus = StartFocus::Input;
                } else if crate::tui::compare_view::awaiting_side_b(self) {
                    crate::tui::compare_view::back_to_picker(self);
                } else if self.profile.is_some() {
                    self.screen = Screen::Profile;
                } else {
                    self.error = None;
                    self.notice = None;
                }
            }
            Action::NextPane => self.cycle_start_focus(true),
            Action::PrevPane => self.cycle_start_focus(false),
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom => {
                let down = matches!(action, Action::Down | Action::PageDown | Action::Bottom);
                match self.start_focus {
                    StartFocus::Vendors | StartFocus::Input => {
                        if matches!(action, Action::Up | Action::Down) {
                            self.change_vendor(down);
                        }
                    }
                    StartFocus::Users | StartFocus::Recent => {
                        let last = self.list_len().saturating_sub(1);
                        self.list_cursor = match action {
                            Action::Up => self.list_cursor.saturating_sub(1),
                            Action::Down => (self.list_cursor + 1).min(last),
                            Action::Top | Action::PageUp => 0,
                            _ => last,
                        };
                    }
                }
            }
            Action::Select => match self.start_focus {
                StartFocus::Vendors => self.start_focus = StartFocus::Input,
                StartFocus::Input => return self.submit(),
                StartFocus::Users => {
                    if let Some(user) = self
                        .visible_demo_users()
                        .get(self.list_cursor)
                        .map(|u| (*u).clone())
                    {
                        self.kind = user.lookup.by;
                        self.input.set(&user.lookup.value);
                        self.start_focus = StartFocus::Input;
                        return self.submit();
                    }
                }
                StartFocus::Recent => {
                    if let Some(r) = self.recent.get(self.list_cursor).cloned()
                        && let Some(i) =
                            self.connections.iter().position(|c| c.name == r.connection)
                    {
                        self.selected = i;
                        self.kind = r.lookup.by;
                        self.input.set(&r.lookup.value);
                        self.start_focus = StartFocus::Input;
                        if let Some(effects) = self.show_cached(&r.connection, &r.lookup) {
                            return effects;
                        }
                        return self.submit();
                    }
                }
            },
            Action::ClearHistory if self.start_focus == StartFocus::Recent => {
                if self.recent.is_empty() {
                    self.notice = Some("No recent lookups to clear".to_owned());
                } else if self.confirm_clear {
                    self.confirm_clear = false;
                    let n = self.recent.len();
                    self.recent.clear();
                    self.list_cursor = 0;
                    self.notice = Some(format!("Cleared {n} recent lookups"));
                    if let Some(path) = &self.history_path {
                        return vec![Effect::ClearHistory { path: path.clone() }];
                    }
                } else {
                    self.confirm_clear = true;
                    self.notice = Some(format!(
                        "Press {} again to clear all {} recent lookups",
                        self.keymap.key_for(Action::ClearHistory),
                        self.recent.len()
                    ));
                }
            }
            Action::ToggleKind => {
                let kinds = self.selected_vendor().lookup_kinds();
                let pos = kinds.iter().position(|k| *k == self.kind).unwrap_or(0);
                if let Some(k) = kinds.get((pos + 1) % kinds.len().max(1)) {
                    self.kind = *k;
                }
            }
            other => {
                if self.is_typing() {
                    self.input.edit(other);
                }
            }
        }
        Vec::new()
    }

    /// Copy `text` and say so, with a warning when the terminal probably drops OSC 52. Every
    /// copy (`y`, `Y`, `c`, in every pane) goes through here, so no toast lacks the warning.
    pub(crate) fn copy(&mut self, text: String, toast: String) -> Vec<Effect> {
        self.notice = Some(crate::tui::clipboard::copy_toast(
            &toast,
            self.clipboard_warning.as_deref(),
        ));
        vec![Effect::Copy(text)]
    }

    fn apply_profile(&mut self, action: Action) -> Vec<Effect> {
        // While a file's sections load, what would act on them waits (they are empty yet).
        if let Some(note) = self.profile.as_ref().and_then(|v| v.loading.clone())
            && matches!(
                action,
                Action::Filter
                    | Action::Search
                    | Action::Copy
                    | Action::CopyPath
                    | Action::CopyProfile
                    | Action::Export
                    | Action::ExportAs
                    | Action::Compare
            )
        {
            self.notice = Some(note);
            return Vec::new();
        }
        match action {
            Action::Compare => crate::tui::compare_view::start(self),
            Action::OpenLookup => {
                self.screen = Screen::Start;
                self.start_focus = StartFocus::Input;
            }
            Action::Back => {
                if self.loading.is_some() {
                    return self.cancel();
                }
                // Esc first clears the focused pane's filter, then goes back.
                let now = self.clock.wall;
                if let Some(view) = self.profile.as_mut()
                    && view.focus == Pane::Raw
                    && view.raw.search().is_some()
                {
                    let _ = view.raw.set_search("");
                    return Vec::new();
                }
                if let Some(view) = self.profile.as_mut()
                    && view.filter(view.focus).is_some()
                {
                    view.set_filter(view.focus, "", now);
                    return Vec::new();
                }
                self.screen = Screen::Start;
                self.start_focus = StartFocus::Input;
            }
            Action::Filter => {
                if let Some(view) = &self.profile {
                    if ProfileView::can_filter(view.focus) {
                        let current = view.filter(view.focus).map(|f| f.query.clone());
                        self.filter_edit = Some(TextInput::new(current.as_deref().unwrap_or("")));
                    } else {
                        self.notice = Some(
                            "The Raw pane folds instead of filtering: Space folds, s searches"
                                .to_owned(),
                        );
                    }
                }
            }
            Action::NextPane | Action::PrevPane | Action::GoPane(_) => {
                if let Some(view) = self.profile.as_mut() {
                    view.focus = match action {
                        Action::NextPane => view.focus.next(),
                        Action::PrevPane => view.focus.prev(),
                        Action::GoPane(i) => Pane::from_index(i).unwrap_or(view.focus),
                        _ => view.focus,
                    };
                }
            }
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom => {
                self.move_selection(action);
            }
            Action::Select => self.open_detail(),
            Action::ToggleFold => {
                let rows = self.viewport_rows().max(1);
                if let Some(view) = self.profile.as_mut().filter(|v| v.focus == Pane::Raw) {
                    view.toggle_fold();
                    if let Some(s) = view.scroll_mut(Pane::Raw) {
                        keep_visible(s, rows);
                    }
                }
            }
            Action::Fold
            | Action::Unfold
            | Action::FoldAll
            | Action::UnfoldAll
            | Action::Parent
            | Action::Search
            | Action::NextMatch
            | Action::PrevMatch => self.apply_raw(action),
            Action::Copy => {
                if let Some(view) = self.profile.as_ref().filter(|v| v.focus == Pane::Raw)
                    && let Some(line) = view.raw_selected_line()
                {
                    // The full value, never the on-screen truncation. Control characters are
                    // sanitized like every other copy, line by line so that a pretty-printed
                    // object keeps its newlines.
                    let text = view
                        .raw
                        .value_text(line)
                        .split('\n')
                        .map(sanitize)
                        .collect::<Vec<_>>()
                        .join("\n");
                    let toast = format!(
                        "Copied {} characters to the clipboard: value of {}",
                        text.chars().count(),
                        sanitize(&view.raw.path(line))
                    );
                    return self.copy(text, toast);
                }
                if let Some(view) = &self.profile {
                    let pane = view.focus;
                    let selected = view.scroll(pane).selected;
                    if let Some(row) = view.row(pane, selected, self.clock.wall) {
                        // The sanitized text: what is on screen is what gets pasted.
                        let name = row.key.trim().to_owned();
                        let (what, text) = if row.value.is_empty() {
                            ("key", row.key)
                        } else {
                            ("value", row.value)
                        };
                        let toast = format!(
                            "Copied {} characters to the clipboard: {what} of {name}",
                            text.chars().count()
                        );
                        return self.copy(text, toast);
                    }
                }
            }
            Action::CopyPath => {
                if let Some(view) = &self.profile {
                    let path = if view.focus == Pane::Raw {
                        view.raw_selected_line()
                            .map(|line| sanitize(&view.raw.path(line)).into_owned())
                    } else {
                        let selected = view.scroll(view.focus).selected;
                        view.row(view.focus, selected, self.clock.wall)
                            .map(|row| key_path(view.focus, &row.key))
                    };
                    if let Some(path) = path {
                        let toast = format!("Copied key path {path}");
                        return self.copy(path, toast);
                    }
                }
            }
            Action::CopyProfile => {
                if let Some(view) = &self.profile {
                    match crate::output::render_json(&view.outcome) {
                        Ok(json) => {
                            let toast =
                                format!("Copied the whole profile as JSON ({} bytes)", json.len());
                            return self.copy(json, toast);
                        }
                        Err(e) => self.notice = Some(format!("Cannot copy the profile: {e}")),
                    }
                }
            }
            Action::ExportAs => {
                if let Some(view) = &self.profile {
                    self.overlay = Some(Overlay::Export(crate::tui::export::ExportDialog::new(
                        &view.outcome,
                        self.clock.wall,
                    )));
                }
            }
            Action::Export => {
                if let Some(view) = &self.profile {
                    let o = &view.outcome;
                    match crate::output::render_json(o) {
                        Ok(json) => {
                            // The name the dialog (`e`) would propose.
                            let file_name = crate::tui::export::proposed_name(o, self.clock.wall);
                            return vec![Effect::Export { file_name, json }];
                        }
                        Err(e) => self.notice = Some(format!("Cannot export: {e}")),
                    }
                }
            }
            Action::Retry => {
                if let Some(view) = &self.profile {
                    let lookup = view.outcome.lookup.clone();
                    let conn = view.outcome.connection.clone();
                    if let Some(i) = self.connections.iter().position(|c| c.name == conn) {
                        return self.start_lookup(i, lookup);
                    }
                }
            }
            _ => {}
        }
        Vec::new()
    }

    /// The Raw pane's tree keys (only bound while it has focus).
    fn apply_raw(&mut self, action: Action) {
        let rows = self.viewport_rows().max(1);
        let Some(view) = self.profile.as_mut().filter(|v| v.focus == Pane::Raw) else {
            return;
        };
        let selected = view.scroll(Pane::Raw).selected;
        match action {
            Action::Fold => view.fold_selected(Some(true)),
            Action::Unfold => view.fold_selected(Some(false)),
            Action::FoldAll | Action::UnfoldAll => {
                let line = view.raw_selected_line().unwrap_or(0);
                if action == Action::FoldAll {
                    view.raw.fold_all();
                } else {
                    view.raw.unfold_all();
                }
                let row = view.raw.row_of(line);
                view.select_raw(row);
            }
            Action::Parent => {
                if let Some(row) = view.raw.parent_row(selected) {
                    view.select_raw(row);
                }
            }
            Action::Search => {
                let current = view.raw.search().map(|s| s.query.clone());
                self.filter_edit = Some(TextInput::new(current.as_deref().unwrap_or("")));
            }
            Action::NextMatch | Action::PrevMatch => {
                match view.raw.next_match(selected, action == Action::NextMatch) {
                    Some(row) => view.select_raw(row),
                    None => {
                        self.notice = Some(match view.raw.search() {
                            Some(s) => format!("No match for /{}/", sanitize(&s.query)),
                            None => "No search yet: s searches the Raw pane".to_owned(),
                        })
                    }
                }
            }
            _ => {}
        }
        if let Some(s) = self.profile.as_mut().and_then(|v| v.scroll_mut(Pane::Raw)) {
            keep_visible(s, rows);
        }
    }

    /// Enter in the Raw search prompt: search every line, jump to the first match from the
    /// selection on. An invalid regex keeps the prompt open and says why.
    fn run_raw_search(&mut self, query: &str) {
        let rows = self.viewport_rows().max(1);
        let Some(view) = self.profile.as_mut() else {
            return;
        };
        match view.raw.set_search(query) {
            Err(e) => {
                let why = e.to_string();
                let first = why.lines().last().unwrap_or("invalid").trim().to_owned();
                self.notice = Some(format!("Invalid regex: {}", sanitize(&first)));
                return;
            }
            Ok(0) if !query.is_empty() => {
                self.notice = Some(format!("No match for /{}/", sanitize(query)));
            }
            Ok(_) => {
                let selected = view.scroll(Pane::Raw).selected;
                let row = view.raw.match_from(selected);
                if let Some(row) = row {
                    view.select_raw(row);
                }
            }
        }
        self.filter_edit = None;
        if let Some(s) = self.profile.as_mut().and_then(|v| v.scroll_mut(Pane::Raw)) {
            keep_visible(s, rows);
        }
    }

    fn apply(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Quit => return self.quit(0),
            Action::ForceQuit => return self.quit(130),
            Action::Help => {
                self.overlay = Some(Overlay::Help { scroll: 0 });
                return Vec::new();
            }
            Action::SetKey => {
                let index = match self.screen {
                    Screen::Profile => self
                        .profile
                        .as_ref()
                        .and_then(|v| {
                            self.connections
                                .iter()
                                .position(|c| c.name == v.outcome.connection)
                        })
                        .unwrap_or(self.selected),
                    Screen::Start | Screen::Compare => self.selected,
                };
                self.open_key_dialog(index, None);
                return Vec::new();
            }
            _ => {}
        }
        match self.screen {
            Screen::Start => self.apply_start(action),
            Screen::Profile => self.apply_profile(action),
            Screen::Compare => crate::tui::compare_view::apply(self, action),
        }
    }

    fn on_overlay_key(&mut self, key: &KeyEvent) -> Vec<Effect> {
        let typing = self.is_typing();
        let contexts: &[Context] = if typing { &[Context::Typing] } else { &[] };
        let action = self.keymap.action_for(key, contexts, typing);
        if action == Some(Action::ForceQuit) {
            return self.quit(130);
        }
        if matches!(self.overlay, Some(Overlay::Export(_))) {
            return self.on_export_key(key, action);
        }
        let page = self.viewport_rows().max(1);
        let mut save = None;
        let mut close = false;
        match self.overlay.as_mut() {
            None | Some(Overlay::Export(_)) => {}
            Some(Overlay::Help { scroll }) | Some(Overlay::Detail { scroll, .. }) => match action {
                Some(Action::Back | Action::Quit | Action::Help | Action::Select) => close = true,
                Some(a) => *scroll = scrolled(*scroll, a, page),
                None => {}
            },
            Some(Overlay::KeyDialog(dialog)) => match (action, &dialog.state) {
                (Some(Action::Back), _) => close = true,
                (_, DialogState::DemoFixed) => {
                    if matches!(action, Some(Action::Select | Action::Quit)) {
                        close = true;
                    }
                }
                (_, DialogState::Saving) => {}
                (Some(Action::Select), _) => {
                    let key = dialog.input.text().trim().to_owned();
                    if key.is_empty() {
                        dialog.state =
                            DialogState::Failed("Type or paste the key first".to_owned());
                    } else {
                        dialog.state = DialogState::Saving;
                        save = Some((dialog.conn_index, ApiKey::new(key)));
                    }
                }
                (Some(a), _) if dialog.input.edit(a) => {}
                (None, _) => {
                    if let Some(c) = typed_char(key) {
                        dialog.input.insert(c);
                        if matches!(dialog.state, DialogState::Failed(_)) {
                            dialog.state = DialogState::Editing;
                        }
                    }
                }
                _ => {}
            },
        }
        if close {
            self.overlay = None;
        }
        if let Some((index, key)) = save {
            match self.connections.get(index).map(|c| c.connection.clone()) {
                Some(Ok(connection)) => return vec![Effect::SaveKey { connection, key }],
                Some(Err(why)) => {
                    if let Some(Overlay::KeyDialog(d)) = self.overlay.as_mut() {
                        d.state = DialogState::Failed(sanitize(&why).into_owned());
                    }
                }
                None => self.overlay = None,
            }
        }
        Vec::new()
    }

    /// Keys in the export dialog: typing edits the name, Tab switches between the normalized
    /// profile and the raw body, Enter writes (again, after "exists", replaces), Esc cancels.
    fn on_export_key(&mut self, key: &KeyEvent, action: Option<Action>) -> Vec<Effect> {
        use crate::tui::export::{ExportKind, ExportState, check_name, contents};
        let Some(Overlay::Export(dialog)) = self.overlay.as_mut() else {
            return Vec::new();
        };
        if dialog.state == ExportState::Writing {
            if action == Some(Action::Back) {
                self.overlay = None;
            }
            return Vec::new();
        }
        match action {
            Some(Action::Back) => self.overlay = None,
            Some(Action::NextPane | Action::PrevPane) => {
                dialog.kind = match dialog.kind {
                    ExportKind::Normalized => ExportKind::Raw,
                    ExportKind::Raw => ExportKind::Normalized,
                };
            }
            Some(Action::Select) => {
                let overwrite = dialog.state == ExportState::ConfirmOverwrite;
                let name = match check_name(dialog.name.text()) {
                    Ok(name) => name.to_owned(),
                    Err(e) => {
                        dialog.state = ExportState::Failed(e.to_string());
                        return Vec::new();
                    }
                };
                let Some(view) = self.profile.as_ref() else {
                    return Vec::new();
                };
                match contents(&view.outcome, dialog.kind) {
                    Ok(bytes) => {
                        dialog.state = ExportState::Writing;
                        return vec![Effect::WriteExport {
                            file_name: name,
                            bytes,
                            overwrite,
                        }];
                    }
                    Err(why) => dialog.state = ExportState::Failed(why),
                }
            }
            Some(a) => {
                if dialog.name.edit(a) {
                    dialog.state = ExportState::Editing;
                }
            }
            None => {
                if let Some(c) = typed_char(key) {
                    dialog.name.insert(c);
                    dialog.state = ExportState::Editing;
                }
            }
        }
        Vec::new()
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if key.kind == crossterm::event::KeyEventKind::Release {
            return Vec::new();
        }
        if self.overlay.is_some() {
            return self.on_overlay_key(&key);
        }
        if self.screen == Screen::Compare {
            self.notice = None;
            if crate::tui::compare_view::is_editing(self) {
                return crate::tui::compare_view::on_filter_key(self, &key);
            }
        }
        if self.screen == Screen::Profile {
            // A notice (copied, exported) lasts until the next key.
            self.notice = None;
            if self.filter_edit.is_some() {
                return self.on_filter_key(&key);
            }
        }
        let typing = self.is_typing();
        match self.keymap.action_for(&key, &self.contexts(), typing) {
            Some(action) => self.apply(action),
            None => {
                if typing && let Some(c) = typed_char(&key) {
                    self.input.insert(c);
                    self.notice = None;
                }
                Vec::new()
            }
        }
    }

    /// Keys while typing a pane filter: the rows narrow with every keystroke; arrows still
    /// move; Enter keeps the filter, Esc clears it.
    fn on_filter_key(&mut self, key: &KeyEvent) -> Vec<Effect> {
        let action = self.keymap.action_for(key, &[Context::Typing], true);
        let now = self.clock.wall;
        let Some(input) = self.filter_edit.as_mut() else {
            return Vec::new();
        };
        let raw = self.profile.as_ref().is_some_and(|v| v.focus == Pane::Raw);
        let changed = match action {
            Some(Action::ForceQuit) => return self.quit(130),
            Some(Action::Select) if raw => {
                let query = input.text().to_owned();
                self.run_raw_search(&query);
                return Vec::new();
            }
            Some(Action::Select) => {
                self.filter_edit = None;
                return Vec::new();
            }
            Some(Action::Back) if raw => {
                self.filter_edit = None;
                if let Some(view) = self.profile.as_mut() {
                    let _ = view.raw.set_search("");
                }
                return Vec::new();
            }
            Some(Action::Back) => {
                self.filter_edit = None;
                if let Some(view) = self.profile.as_mut() {
                    view.set_filter(view.focus, "", now);
                }
                return Vec::new();
            }
            Some(a @ (Action::Up | Action::Down | Action::PageUp | Action::PageDown)) => {
                self.move_selection(a);
                return Vec::new();
            }
            a => input.type_key(a, key),
        };
        // The Raw search runs on Enter: a regex half typed is usually invalid, and a 50 MB
        // payload should not be rescanned per keystroke.
        if changed && !raw {
            let query = input.text().to_owned();
            if let Some(view) = self.profile.as_mut() {
                view.set_filter(view.focus, &query, now);
            }
        }
        Vec::new()
    }

    fn on_mouse(&mut self, mouse: MouseEvent) -> Vec<Effect> {
        let at = Position::new(mouse.column, mouse.row);
        let down = match mouse.kind {
            MouseEventKind::ScrollDown => true,
            MouseEventKind::ScrollUp => false,
            MouseEventKind::Down(MouseButton::Left) => return self.on_click(at),
            _ => return Vec::new(),
        };
        match self.overlay.as_mut() {
            Some(Overlay::Help { scroll }) | Some(Overlay::Detail { scroll, .. }) => {
                *scroll = if down {
                    *scroll + 3
                } else {
                    scroll.saturating_sub(3)
                };
            }
            Some(Overlay::KeyDialog(_) | Overlay::Export(_)) => {}
            None => match self.screen {
                Screen::Profile => self.scroll_lines(down, 3),
                Screen::Compare => crate::tui::compare_view::scroll(self, down, 3),
                Screen::Start => {
                    if matches!(self.start_focus, StartFocus::Users | StartFocus::Recent) {
                        let last = self.list_len().saturating_sub(1);
                        self.list_cursor = if down {
                            (self.list_cursor + 1).min(last)
                        } else {
                            self.list_cursor.saturating_sub(1)
                        };
                    } else {
                        self.change_vendor(down);
                    }
                }
            },
        }
        Vec::new()
    }

    fn on_click(&mut self, at: Position) -> Vec<Effect> {
        if self.overlay.is_some() {
            return Vec::new();
        }
        match self.screen {
            Screen::Compare => crate::tui::compare_view::click(self, at),
            Screen::Profile => {
                if let Some(view) = self.profile.as_mut() {
                    let areas = layout::profile(self.size, view.focus);
                    if let Some(pane) = layout::tab_at(areas.tabs, at) {
                        view.focus = pane;
                    } else if areas.side.is_some_and(|side| side.contains(at)) {
                        view.focus = Pane::Overview;
                    } else if areas.body.contains(at) {
                        // A click in the pane selects the row under the pointer.
                        let inner_top = areas.body.y + 1;
                        if at.y >= inner_top {
                            let pane = view.focus;
                            let count = view.row_count(pane);
                            if let Some(s) = view.scroll_mut(pane) {
                                let row = s.offset + usize::from(at.y - inner_top);
                                if row < count {
                                    s.selected = row;
                                }
                            }
                        }
                    }
                }
            }
            Screen::Start => {
                let areas = layout::start(self.size, self.demo);
                if areas.vendors.contains(at) {
                    self.start_focus = StartFocus::Vendors;
                    let visible = usize::from(areas.vendors.height.saturating_sub(2));
                    let row = layout::list_offset(self.selected, visible)
                        + usize::from(at.y.saturating_sub(areas.vendors.y + 1));
                    if at.y > areas.vendors.y
                        && row < self.connections.len()
                        && self.selected != row
                    {
                        self.selected = row;
                        self.kind = self.selected_vendor().default_lookup();
                    }
                } else if areas.lookup.contains(at) {
                    self.start_focus = StartFocus::Input;
                } else if self.demo && areas.users.contains(at) {
                    self.click_list(StartFocus::Users, areas.users, at);
                } else if areas.recent.contains(at) {
                    self.click_list(StartFocus::Recent, areas.recent, at);
                }
            }
        }
        Vec::new()
    }

    /// Focus a list box and select the row under the pointer (scrolled as drawn).
    fn click_list(&mut self, focus: StartFocus, area: Rect, at: Position) {
        let rows = usize::from(area.height.saturating_sub(2)).max(1);
        let offset = if self.start_focus == focus {
            layout::list_offset(self.list_cursor, rows)
        } else {
            0
        };
        self.start_focus = focus;
        let row = offset + usize::from(at.y.saturating_sub(area.y + 1));
        self.list_cursor = row.min(self.list_len().saturating_sub(1));
    }

    fn on_resize(&mut self, width: u16, height: u16) {
        self.size = Rect::new(0, 0, width, height);
        let rows = self.viewport_rows().max(1);
        if let Some(view) = self.profile.as_mut() {
            for s in view.scroll.iter_mut() {
                keep_visible(s, rows);
            }
        }
    }
}

/// `attributes.company`: the section a row belongs to and its key, as `Y` copies it.
pub fn key_path(pane: Pane, key: &str) -> String {
    let section = match pane.section() {
        Some(section) => crate::tui::view::section_noun(section).to_owned(),
        None => pane.title().to_lowercase(),
    };
    let key = key.trim();
    if key.is_empty() {
        section
    } else {
        format!("{section}.{key}")
    }
}

fn keep_visible(s: &mut crate::tui::view::PaneScroll, rows: usize) {
    if s.selected < s.offset {
        s.offset = s.selected;
    } else if s.selected >= s.offset + rows {
        s.offset = s.selected + 1 - rows;
    }
}

fn scrolled(scroll: usize, action: Action, page: usize) -> usize {
    match action {
        Action::Up => scroll.saturating_sub(1),
        Action::Down => scroll + 1,
        Action::PageUp => scroll.saturating_sub(page),
        Action::PageDown => scroll + page,
        Action::Top => 0,
        // The overlay clamps this to its content when drawn.
        Action::Bottom => usize::MAX / 2,
        _ => scroll,
    }
}

/// The one place the TUI's state changes. Returns the work to do outside (no I/O here).
/// A file's full view replaces the identity-only first screen, keeping the pane and
/// selection the operator has moved to meanwhile.
fn on_file_loaded(
    app: &mut App,
    result: Result<ProfileView, crate::open::OpenError>,
) -> Vec<Effect> {
    match result {
        Ok(mut view) => {
            if let Some(old) = app.profile.as_ref() {
                view.focus = old.focus;
                for (pane, s) in Pane::ALL.iter().zip(old.scroll) {
                    let rows = view.row_count(*pane);
                    if let Some(new) = view.scroll_mut(*pane) {
                        new.selected = s.selected.min(rows.saturating_sub(1));
                        new.offset = s.offset.min(new.selected);
                    }
                }
            }
            app.profile = Some(view);
        }
        Err(e) => {
            app.exit_note = Some(e.to_string());
            app.exit = Some(e.exit_code());
        }
    }
    Vec::new()
}

pub fn update(app: &mut App, message: Message) -> Vec<Effect> {
    match message {
        Message::FileLoaded(loaded) => on_file_loaded(app, loaded.0),
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
            if let Some(loading) = app.loading.as_mut().filter(|l| l.request == request) {
                match event {
                    LookupEvent::RateLimitedWaiting { wait, attempt } => {
                        loading.rate_limit = Some(RateWait {
                            until: app.clock.instant + wait,
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
                if let Some(entry) = app.connections.iter_mut().find(|c| c.name == name) {
                    entry.key = status;
                }
            }
            Vec::new()
        }
        Message::KeySaved { connection, result } => {
            let index = app.connections.iter().position(|c| c.name == connection);
            match result {
                Ok(()) => {
                    if let Some(entry) = index.and_then(|i| app.connections.get_mut(i)) {
                        entry.key = KeyStatus::Present("keyring".to_owned());
                    }
                    app.overlay = None;
                    app.notice = Some(format!("Key for {connection} saved to the keyring"));
                    // Retry what failed for want of a key.
                    let failed = app.error.as_ref().is_some_and(|e| {
                        matches!(e.kind, ErrorKind::NoKey | ErrorKind::KeyRejected)
                    });
                    if failed
                        && let Some(last) = app.recent.first().cloned()
                        && last.connection == connection
                        && let Some(i) = index
                    {
                        return app.start_lookup(i, last.lookup);
                    }
                    Vec::new()
                }
                Err(why) => {
                    if let Some(Overlay::KeyDialog(d)) = app.overlay.as_mut() {
                        d.state = DialogState::Failed(sanitize(&why).into_owned());
                    }
                    Vec::new()
                }
            }
        }
        Message::ExportExists(name) => {
            if let Some(Overlay::Export(d)) = app.overlay.as_mut() {
                d.state = crate::tui::export::ExportState::ConfirmOverwrite;
            } else {
                app.notice = Some(format!("Not exported: {} exists", sanitize(&name)));
            }
            Vec::new()
        }
        Message::Exported(result) => {
            if matches!(app.overlay, Some(Overlay::Export(_))) {
                match &result {
                    Ok(_) => app.overlay = None,
                    Err(why) => {
                        if let Some(Overlay::Export(d)) = app.overlay.as_mut() {
                            d.state =
                                crate::tui::export::ExportState::Failed(sanitize(why).into_owned());
                        }
                    }
                }
            }
            app.notice = Some(match result {
                Ok(path) => format!("Exported to {}", sanitize(&path.display().to_string())),
                Err(why) => format!("Export failed: {}", sanitize(&why)),
            });
            Vec::new()
        }
        Message::Terminate { exit_code } => app.quit(exit_code),
    }
}
