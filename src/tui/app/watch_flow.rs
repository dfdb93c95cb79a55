//! Watching the profile on show (design §12) seen from the router: `w` starts and stops it,
//! each tick asks the engine whether a refresh is due and starts it as an ordinary lookup
//! (`Effect::StartLookup`, the same task, the same 429 waits), and its result comes back as
//! `Message::LookupDone` under the watch's own request id. The time is the app's clock, which
//! the runtime sets before every message (tests set it), so the schedule runs without sleeping.
//!
//! The watch lives in the profile's state and runs only while that profile is in front:
//! leaving it (Esc, `/`, a new lookup, a comparison) stops it and cancels a refresh in flight.

use std::sync::Arc;

use crate::error::LookupError;
use crate::lookup::{LookupEvent, LookupOutcome, Origin};
use crate::tui::message::{Effect, RequestId};
use crate::tui::screens::profile::{ProfileState, Watching};
use crate::tui::screens::{Screen, ScreenKind};

use super::App;

impl App {
    /// The watch of the profile in front, if it is watched.
    pub fn watching(&self) -> Option<&Watching> {
        match &self.screen {
            Screen::Profile(p) => p.watching.as_ref(),
            _ => None,
        }
    }

    /// The refresh in flight of any watch (in front or, for one tick, parked).
    pub(super) fn watch_request(&self) -> Option<RequestId> {
        self.profile_state()?.watching.as_ref()?.request
    }

    /// `w` on the profile in front: start watching it, or stop.
    pub(super) fn toggle_watch(&mut self) -> Vec<Effect> {
        let clock = self.clock;
        let Screen::Profile(p) = &mut self.screen else {
            return Vec::new();
        };
        if p.watching.is_some() {
            self.notice = Some("Stopped watching".to_owned());
            return stop(p, clock.instant, clock.wall);
        }
        let outcome = &p.view.outcome;
        let why_not = if p.view.loading.is_some() {
            Some("Nothing to watch yet: the file is still being read")
        } else if outcome.origin == Origin::File {
            Some("Nothing to watch: this profile was opened from a file, not looked up")
        } else if self.lookups.position(&outcome.connection).is_none() {
            Some("Nothing to watch: this profile's connection is not configured")
        } else {
            None
        };
        if let Some(why) = why_not {
            self.notice = Some(why.to_owned());
            return Vec::new();
        }
        p.watching = Some(Watching::new(
            Arc::clone(outcome),
            clock.wall,
            clock.instant,
            &self.watch_setup,
        ));
        self.notice = None;
        Vec::new()
    }

    /// A tick: start the refresh if one is due.
    pub(super) fn watch_tick(&mut self) -> Vec<Effect> {
        let now = self.clock.instant;
        let Screen::Profile(p) = &mut self.screen else {
            return Vec::new();
        };
        let Some(w) = p.watching.as_mut() else {
            return Vec::new();
        };
        if !w.watch.begin(now) {
            return Vec::new();
        }
        let latest = &w.watch.latest().value;
        let lookup = latest.lookup.clone();
        let connection = self
            .lookups
            .position(&latest.connection)
            .and_then(|i| self.lookups.connections.get(i))
            .map(|c| c.connection.clone());
        let connection = match connection {
            Some(Ok(c)) => c,
            Some(Err(why)) => {
                w.watch.on_error(now, &LookupError::Usage(why));
                return Vec::new();
            }
            None => {
                let why = "the connection is no longer configured".to_owned();
                w.watch.on_error(now, &LookupError::Usage(why));
                return Vec::new();
            }
        };
        self.lookups.next_request += 1;
        let request = self.lookups.next_request;
        w.request = Some(request);
        vec![Effect::StartLookup {
            request,
            connection,
            lookup,
        }]
    }

    /// Whether `request` is the refresh of the watch in front.
    pub(super) fn is_watch_request(&self, request: RequestId) -> bool {
        self.watching().and_then(|w| w.request) == Some(request)
    }

    /// A refresh is waiting out a 429 inside the lookup: the header says so.
    pub(super) fn on_watch_progress(&mut self, event: &LookupEvent) {
        let now = self.clock.instant;
        if let Some(w) = self.profile_state_mut().and_then(|p| p.watching.as_mut()) {
            let LookupEvent::RateLimitedWaiting { wait, .. } = event;
            w.rate_wait = Some(now + *wait);
        }
    }

    /// The refresh answered: a new version (shown in place, marks updated), or a failure
    /// (the last good version stays; the header says what failed; the schedule backs off).
    pub(super) fn on_watch_done(
        &mut self,
        result: Result<LookupOutcome, LookupError>,
        index: Option<crate::json::RawIndex>,
    ) -> Vec<Effect> {
        let clock = self.clock;
        let Screen::Profile(p) = &mut self.screen else {
            return Vec::new();
        };
        let Some(w) = p.watching.as_mut() else {
            return Vec::new();
        };
        match result {
            Ok(outcome) => {
                let outcome = Arc::new(outcome);
                if let Some(show) = w.on_success(clock.instant, clock.wall, Arc::clone(&outcome)) {
                    // The index was built for this answer; an older version on show (`[`)
                    // is indexed again.
                    let index = index.filter(|_| Arc::ptr_eq(&show, &outcome));
                    p.show_version(show, index, clock.wall);
                }
                self.lookups.cache_profile(&outcome, clock.wall);
            }
            Err(LookupError::Cancelled) => {
                w.request = None;
                w.rate_wait = None;
                w.watch.abandon(clock.instant);
            }
            Err(err) => {
                tracing::info!(exit_code = err.exit_code(), "watch refresh failed");
                tracing::debug!(error = %err, "watch refresh failed");
                w.request = None;
                w.rate_wait = None;
                w.watch.on_error(clock.instant, &err);
            }
        }
        Vec::new()
    }

    /// After every message: a watch whose profile is no longer in front stops, and a refresh
    /// of a watch that is gone (the profile was replaced) is cancelled. `before` is the watch
    /// request in flight before the message, `done` the request the message finished,
    /// `already` the effects the message gave (a cancel is not asked twice).
    pub(super) fn stop_hidden_watch(
        &mut self,
        before: Option<RequestId>,
        done: Option<RequestId>,
        already: &[Effect],
    ) -> Vec<Effect> {
        let clock = self.clock;
        let mut effects = Vec::new();
        if self.screen.kind() != ScreenKind::Profile
            && let Some(p) = self.parked.profile.as_mut()
            && p.watching.is_some()
        {
            effects.extend(stop(p, clock.instant, clock.wall));
        }
        if let Some(request) = before
            && done != Some(request)
            && self.watch_request() != Some(request)
            && !already
                .iter()
                .chain(&effects)
                .any(|e| matches!(e, Effect::CancelLookup { request: r } if *r == request))
        {
            effects.push(Effect::CancelLookup { request });
        }
        effects
    }
}

/// End the watch of `p`: a refresh in flight is cancelled, and the latest version is shown if
/// an older one was (the profile stays as it last was, without marks).
fn stop(
    p: &mut ProfileState,
    now: std::time::Instant,
    wall: chrono::DateTime<chrono::Utc>,
) -> Vec<Effect> {
    let Some(mut w) = p.watching.take() else {
        return Vec::new();
    };
    let mut effects = Vec::new();
    if let Some(request) = w.request.take() {
        w.watch.abandon(now);
        effects.push(Effect::CancelLookup { request });
    }
    if w.viewing.is_some() {
        p.show_version(Arc::clone(&w.watch.latest().value), None, wall);
    }
    effects
}
