//! Finds seen from the router: starting one (All vendors on the start form, a recent find)
//! puts the board in front and asks the runtime to fan out; its events fill the board
//! wherever it is (in front or behind a profile it opened), and only while it is the current,
//! running find: a cancelled or replaced find's events are stale and dropped.

use crate::find::{FindEvent, Query, Target, TargetError};
use crate::tui::message::{Effect, RequestId};
use crate::tui::screens::Screen;
use crate::tui::screens::find::FindState;
use crate::tui::screens::start::find_kind_of;
use crate::vendors::Lookup;

use super::App;

impl App {
    /// Every connection of the vendor list as a find target (one that cannot be used keeps
    /// its reason, and is an error on the board only if it would be asked).
    fn find_targets(&self) -> Vec<Target> {
        self.lookups
            .connections
            .iter()
            .map(|c| Target {
                name: c.name.clone(),
                vendor: c.vendor,
                connection: c.connection.clone().map_err(|message| TargetError {
                    exit_code: crate::error::LookupError::Usage(String::new()).exit_code(),
                    message,
                }),
            })
            .collect()
    }

    /// Ask every connection for `query`: the board comes to the front (a find still running
    /// is cancelled, a lookup in flight too), and the runtime fans out.
    pub(super) fn start_find(&mut self, query: Query) -> Vec<Effect> {
        let mut effects = self.lookups.take_running();
        if let Some(old) = self.find().filter(|f| f.is_running()) {
            effects.push(Effect::CancelLookup {
                request: old.request,
            });
        }
        self.lookups.error = None;
        self.notice = None;
        self.lookups.next_request += 1;
        let request = self.lookups.next_request;
        let targets = self.find_targets();
        let state = FindState::new(request, query.clone(), self.clock.instant);
        // The board replaces an older one; the start screen waits behind it.
        self.parked.find = None;
        match std::mem::replace(&mut self.screen, Screen::Find(state)) {
            Screen::Start(start) => self.parked.start = Some(start),
            Screen::Profile(profile) => self.parked.profile = Some(profile),
            Screen::Compare(_) | Screen::Find(_) => {}
        }
        self.parked.compare = None;
        tracing::info!(request, class = %query.class, "find started");
        effects.push(Effect::StartFind {
            request,
            query,
            targets,
        });
        effects
    }

    /// A step of a find: applied to the current running find, else dropped as stale.
    pub(super) fn on_find_progress(&mut self, request: RequestId, event: FindEvent) -> Vec<Effect> {
        let now = self.clock.instant;
        let Some(find) = self
            .find_mut()
            .filter(|f| f.request == request && f.is_running())
        else {
            tracing::debug!(request, "dropping a stale find event");
            return Vec::new();
        };
        let Some(summary) = find.on_event(event, now) else {
            return Vec::new();
        };
        let lookup = Lookup::new(find_kind_of(find.query.class), find.query.value.clone());
        let at = self.clock.wall;
        self.lookups
            .record_find(&lookup, summary.outcome, summary.found, at)
    }
}
