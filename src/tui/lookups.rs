//! What every screen shares about looking people up: the connections, the lookup in flight
//! (with its request id, so a stale result is dropped), the last error, the recent lookups
//! (persisted) and the in-memory profile cache. Screens read it; only the router starts and
//! finishes lookups, so no screen reaches into another to do so.

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};

use crate::history::{Entry, Outcome};
use crate::lookup::LookupOutcome;
use crate::sanitize::sanitize;
use crate::tui::error_view::{ErrorKind, ErrorView};
use crate::tui::message::{Effect, KeyStatus, RequestId};
use crate::vendors::{Connection, Lookup, VendorKind};

/// Rate-limited lookups retry by themselves at most this many times before waiting for Enter.
pub const MAX_AUTO_RETRIES: u32 = 3;
const MAX_RECENT: usize = crate::history::MAX_ENTRIES;
const PROFILE_CACHE: usize = 16;

/// The connection name a find (All vendors) is kept under in the recent lookups: the file's
/// format does not change, and an older version that reads it finds no connection of this
/// name, so Enter on the entry does nothing there. Its `vendor` is a stand-in and `by` the
/// class (`email` or `id`). (A config would have to quote `[connections."*"]` to clash.)
pub const FIND_CONNECTION: &str = "*";

/// A vendor connection in the picker.
#[derive(Clone, Debug)]
pub struct ConnEntry {
    pub name: String,
    pub vendor: VendorKind,
    /// `Err` holds why it cannot be used yet (e.g. a vendor that needs a setting first).
    pub connection: Result<Connection, String>,
    pub key: KeyStatus,
}

/// One line of the recent list: the persisted history entry's facts plus, for a lookup of this
/// run that found someone, the name to show (vendor data, never written to the history file).
#[derive(Clone, Debug, PartialEq)]
pub struct RecentLookup {
    pub connection: String,
    pub vendor: VendorKind,
    pub lookup: Lookup,
    pub at: DateTime<Utc>,
    pub outcome: Outcome,
    /// Display name of the person found (only this run's successes have one).
    pub found: Option<String>,
}

impl RecentLookup {
    /// Whether this is a find at all vendors rather than one vendor's lookup.
    pub fn is_find(&self) -> bool {
        self.connection == FIND_CONNECTION
    }

    /// What the list shows after the arrow: the name found, else the outcome's short text.
    pub fn label(&self) -> String {
        match &self.found {
            Some(name) => name.clone(),
            None => sanitize(self.outcome.label()).into_owned(),
        }
    }

    /// The persisted form: no display name (that is vendor data), no key, no payload.
    pub fn to_entry(&self) -> Entry {
        Entry {
            connection: self.connection.clone(),
            vendor: self.vendor,
            by: self.lookup.by,
            value: self.lookup.value.clone(),
            at: self.at,
            outcome: self.outcome.clone(),
        }
    }

    pub fn from_entry(e: &Entry) -> RecentLookup {
        RecentLookup {
            connection: e.connection.clone(),
            vendor: e.vendor,
            lookup: e.lookup(),
            at: e.at,
            outcome: e.outcome.clone(),
            found: None,
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

/// The lookup side of the app, shared by every screen.
#[derive(Debug, Default)]
pub struct Lookups {
    pub connections: Vec<ConnEntry>,
    /// Newest first.
    pub recent: Vec<RecentLookup>,
    /// Where the recent lookups persist (`None`: this run keeps them in memory only).
    pub history_path: Option<std::path::PathBuf>,
    /// The last save of the history failed and the operator was told (told once: a full disk
    /// must not repeat itself after every lookup; a save that works again re-arms it).
    pub history_save_failed: bool,
    /// The last `PROFILE_CACHE` profiles, newest first.
    pub cache: Vec<CachedProfile>,
    pub loading: Option<Loading>,
    /// Why the last lookup failed (shown on the start screen until the next one).
    pub error: Option<ErrorView>,
    pub next_request: RequestId,
    pub auto_retries: u32,
}

/// What `Lookups::start` did.
pub enum Started {
    Running(Vec<Effect>),
    /// The connection cannot be used (its error is set): the start screen should show it.
    Unusable(Vec<Effect>),
}

impl Lookups {
    pub fn new(connections: Vec<ConnEntry>) -> Lookups {
        Lookups {
            connections,
            ..Lookups::default()
        }
    }

    /// Start with the stored history (newest first), saved back to `path` as lookups finish.
    pub fn load_history(&mut self, path: std::path::PathBuf, entries: &[Entry]) {
        self.recent = entries
            .iter()
            .take(MAX_RECENT)
            .map(RecentLookup::from_entry)
            .collect();
        self.history_path = Some(path);
    }

    pub fn position(&self, connection: &str) -> Option<usize> {
        self.connections.iter().position(|c| c.name == connection)
    }

    /// Cancel the lookup in flight, if any (its late result is then stale).
    pub fn take_running(&mut self) -> Vec<Effect> {
        match self.loading.take() {
            Some(old) => vec![Effect::CancelLookup {
                request: old.request,
            }],
            None => Vec::new(),
        }
    }

    /// Start a lookup with connection `conn_index`, replacing any running one.
    pub fn start(&mut self, conn_index: usize, lookup: Lookup, now: Instant) -> Started {
        let mut effects = self.take_running();
        let Some(entry) = self.connections.get(conn_index) else {
            return Started::Running(effects);
        };
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
                return Started::Unusable(effects);
            }
        };
        self.next_request += 1;
        let request = self.next_request;
        self.loading = Some(Loading {
            request,
            conn_index,
            vendor: entry.vendor,
            lookup: lookup.clone(),
            started: now,
            rate_limit: None,
        });
        effects.push(Effect::StartLookup {
            request,
            connection,
            lookup,
        });
        Started::Running(effects)
    }

    /// Put a finished lookup at the top of the recent list; returns the history write.
    pub fn record(
        &mut self,
        conn_index: usize,
        lookup: &Lookup,
        outcome: Outcome,
        found: Option<String>,
        at: DateTime<Utc>,
    ) -> Vec<Effect> {
        let Some(entry) = self.connections.get(conn_index) else {
            return Vec::new();
        };
        let item = RecentLookup {
            connection: entry.name.clone(),
            vendor: entry.vendor,
            lookup: lookup.clone(),
            at,
            outcome,
            found,
        };
        self.recent
            .retain(|r| !(r.connection == item.connection && r.lookup == item.lookup));
        self.recent.insert(0, item);
        self.recent.truncate(MAX_RECENT);
        self.save_history_effect()
    }

    /// Put a finished find (All vendors) at the top of the recent list; returns the history
    /// write. `found` is this run's summary (a name and how many found), never written.
    pub fn record_find(
        &mut self,
        lookup: &Lookup,
        outcome: Outcome,
        found: Option<String>,
        at: DateTime<Utc>,
    ) -> Vec<Effect> {
        let item = RecentLookup {
            connection: FIND_CONNECTION.to_owned(),
            vendor: VendorKind::first(),
            lookup: lookup.clone(),
            at,
            outcome,
            found,
        };
        self.recent
            .retain(|r| !(r.connection == item.connection && r.lookup == item.lookup));
        self.recent.insert(0, item);
        self.recent.truncate(MAX_RECENT);
        self.save_history_effect()
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

    pub fn cache_profile(&mut self, outcome: &Arc<LookupOutcome>, fetched: DateTime<Utc>) {
        self.cache
            .retain(|c| !(c.connection == outcome.connection && c.lookup == outcome.lookup));
        self.cache.insert(
            0,
            CachedProfile {
                connection: outcome.connection.clone(),
                lookup: outcome.lookup.clone(),
                fetched,
                outcome: Arc::clone(outcome),
            },
        );
        self.cache.truncate(PROFILE_CACHE);
    }

    pub fn cached(&self, connection: &str, lookup: &Lookup) -> Option<&CachedProfile> {
        self.cache
            .iter()
            .find(|c| c.connection == connection && c.lookup == *lookup)
    }

    /// Whether the last lookup failed for want of a (working) key.
    pub fn failed_for_key(&self) -> bool {
        self.error
            .as_ref()
            .is_some_and(|e| matches!(e.kind, ErrorKind::NoKey | ErrorKind::KeyRejected))
    }
}
