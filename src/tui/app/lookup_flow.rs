//! Lookups seen from the router: starting one (an unusable connection shows the start screen),
//! its result (the profile, side B of a comparison, or the error with the key dialog), the
//! cache, the automatic retry after a rate limit, and the retry once a key is saved.

use std::sync::Arc;

use crate::error::LookupError;
use crate::history::Outcome;
use crate::lookup::LookupOutcome;
use crate::sanitize::sanitize;
use crate::secrets::KeyOrigin;
use crate::tui::error_view::{ErrorKind, ErrorView};
use crate::tui::keymap::Action;
use crate::tui::lookups::{MAX_AUTO_RETRIES, Started};
use crate::tui::message::{Effect, KeyStatus, RequestId};
use crate::tui::overlays::{DialogState, KeyDialog, Overlay};
use crate::tui::screens::Screen;
use crate::tui::view::ProfileView;

use super::App;

impl App {
    // ---- lookups

    pub(super) fn start_lookup(
        &mut self,
        conn_index: usize,
        lookup: crate::vendors::Lookup,
    ) -> Vec<Effect> {
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
    pub(super) fn open_side_b(&mut self, b: &LookupOutcome) {
        if let Some(mut compare) = self.parked.compare.take() {
            compare.open_with(b);
            self.bring(Screen::Compare(compare));
            self.notice = None;
        }
    }

    /// Show a cached profile for this lookup, if one is in memory; `r` fetches it again.
    pub(super) fn show_cached(
        &mut self,
        connection: &str,
        lookup: &crate::vendors::Lookup,
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

    pub(super) fn on_lookup_done(
        &mut self,
        request: RequestId,
        result: Result<LookupOutcome, LookupError>,
        index: Option<crate::json::RawIndex>,
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
                } else if let Screen::Profile(p) = &mut self.screen
                    && p.watching.is_none()
                    && p.view.outcome.connection == outcome.connection
                    && p.view.outcome.lookup == outcome.lookup
                {
                    // `r`: the same lookup again replaces the profile in place (pane,
                    // filters, selections, folds stay), as a watch refresh does.
                    p.show_version(outcome, index, at);
                } else {
                    self.show_profile(ProfileView::indexed(outcome, index));
                }
                effects
            }
            Err(LookupError::Cancelled) => {
                self.notice = Some("Lookup cancelled".to_owned());
                Vec::new()
            }
            Err(err) => {
                // The message can quote the lookup value: the default log keeps only its code.
                tracing::info!(vendor = %loading.vendor, exit_code = err.exit_code(), "lookup failed");
                tracing::debug!(error = %err, "lookup failed");
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

    pub(super) fn open_key_dialog(&mut self, conn_index: usize, reason: Option<String>) {
        self.overlay = Some(Overlay::KeyDialog(KeyDialog::new(
            conn_index, reason, self.demo,
        )));
    }

    pub(super) fn on_tick(&mut self) -> Vec<Effect> {
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

    pub(super) fn on_key_saved(
        &mut self,
        connection: String,
        result: Result<(), String>,
    ) -> Vec<Effect> {
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
}
