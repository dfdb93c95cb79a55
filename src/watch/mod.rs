//! Watching one person's profile change (design §12): fetched again every few seconds, each
//! version diffed field by field against the one before.
//!
//! Pure and TUI-agnostic: no I/O, no clock of its own (every call takes `now`), no terminal
//! types. The CLI (`get --watch`) and the TUI drive the same [`Watch`]:
//!
//! - `due(now)` / `begin(now)`: whether to fetch now (one refresh at a time);
//! - `on_success(now, at, version)`: the fetched version is diffed against the last one, kept
//!   in the ring of the last 50, and its changed paths join the marks;
//! - `on_error(now, &error)`: the last good version stays; the schedule backs off;
//! - `summary(now)`: the header line; `is_marked(path)`, `clear()`, `versions()`, `changes()`.
//!
//! - `change`: the change list between two versions (added / removed / changed / type changed,
//!   or an identity change), built on the compare engine's equality;
//! - `ignore`: `[watch] ignore` paths; `ring`: the last 50 versions; `schedule`: interval,
//!   back-off and 429 waits; `event`: the stable JSON event and the text line.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::error::LookupError;
use crate::lookup::LookupOutcome;
use crate::profile::Profile;

pub mod change;
pub mod event;
pub mod ignore;
pub mod ring;
pub mod schedule;
mod summary;
#[cfg(test)]
mod tests;

pub use change::{Change, ChangeKind, Diff, diff};
pub use event::{Event, events, json_line, text_lines};
pub use ignore::Ignore;
pub use ring::{RING_CAPACITY, Ring, Version};
pub use schedule::{DEFAULT_INTERVAL, Failure, MIN_INTERVAL, Schedule};

/// What a watch keeps per version must show its profile; the TUI keeps whole lookups (raw body
/// and request too), the tests plain profiles.
pub trait Watched {
    fn profile(&self) -> &Profile;
}

impl Watched for Profile {
    fn profile(&self) -> &Profile {
        self
    }
}

impl Watched for LookupOutcome {
    fn profile(&self) -> &Profile {
        &self.profile
    }
}

impl<T: Watched> Watched for Arc<T> {
    fn profile(&self) -> &Profile {
        (**self).profile()
    }
}

/// An identity change the header keeps showing until `clear()`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentityChange {
    pub at: DateTime<Utc>,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// One watched profile: its schedule, its last versions and what changed since the watch began.
#[derive(Clone, Debug)]
pub struct Watch<V> {
    schedule: Schedule,
    ring: Ring<V>,
    ignore: Ignore,
    /// Paths changed since the watch began (or the last `clear`): the rows to mark.
    marked: HashSet<String>,
    /// Changes counted since the watch began (or the last `clear`).
    change_count: u64,
    identity: Option<IdentityChange>,
}

impl<V: Watched> Watch<V> {
    /// Begin watching `first` (fetched at `at`); the first refresh is one interval after `now`.
    pub fn new(
        first: V,
        at: DateTime<Utc>,
        now: Instant,
        interval: Duration,
        ignore: Ignore,
    ) -> Watch<V> {
        Watch {
            schedule: Schedule::new(interval, now),
            ring: Ring::new(RING_CAPACITY, at, first),
            ignore,
            marked: HashSet::new(),
            change_count: 0,
            identity: None,
        }
    }

    /// Whether a refresh should start now.
    pub fn due(&self, now: Instant) -> bool {
        self.schedule.due(now)
    }

    /// Start a refresh if one is due; `true`: fetch now, then call `on_success` or `on_error`.
    pub fn begin(&mut self, now: Instant) -> bool {
        self.schedule.begin(now)
    }

    /// A refresh answered with `version` (fetched at `at`): diff it against the latest,
    /// keep it, mark what changed. Returns the new version (its `diff` says what changed).
    pub fn on_success(&mut self, now: Instant, at: DateTime<Utc>, version: V) -> &Version<V> {
        self.schedule.on_success(now);
        let diff = diff(
            self.ring.latest().value.profile(),
            version.profile(),
            &self.ignore,
        );
        self.change_count = self
            .change_count
            .saturating_add(u64::try_from(diff.len()).unwrap_or(u64::MAX));
        match &diff {
            Diff::Identity { old, new } => {
                // Marks of the previous person say nothing about this one.
                self.marked.clear();
                self.identity = Some(IdentityChange {
                    at,
                    old: old.clone(),
                    new: new.clone(),
                });
            }
            Diff::Fields(changes) => {
                self.marked.extend(changes.iter().map(|c| c.path.clone()));
            }
        }
        self.ring.push(at, version, diff);
        self.bound_marks();
        self.ring.latest()
    }

    /// A refresh failed: the latest version stays; the schedule backs off. Returns the wait.
    pub fn on_error(&mut self, now: Instant, error: &LookupError) -> Duration {
        self.schedule.on_error(now, error)
    }

    /// The refresh in flight was cancelled (not a failure).
    pub fn abandon(&mut self, now: Instant) {
        self.schedule.abandon(now);
    }

    /// The last good version (what the screen shows while live).
    pub fn latest(&self) -> &Version<V> {
        self.ring.latest()
    }

    /// The kept versions, oldest first (at most [`RING_CAPACITY`]).
    pub fn versions(&self) -> &Ring<V> {
        &self.ring
    }

    /// Every kept change, newest version first: the Changes list (time, path, old → new).
    pub fn changes(&self) -> impl Iterator<Item = (&Version<V>, &Change)> {
        self.ring
            .iter()
            .rev()
            .flat_map(|v| v.diff.changes().iter().map(move |c| (v, c)))
    }

    /// Whether this path changed since the watch began (or the last `clear`).
    pub fn is_marked(&self, path: &str) -> bool {
        self.marked.contains(path)
    }

    pub fn marked(&self) -> &HashSet<String> {
        &self.marked
    }

    /// Changes counted since the watch began (or the last `clear`).
    pub fn change_count(&self) -> u64 {
        self.change_count
    }

    /// The identity change the header shows, until `clear`.
    pub fn identity_change(&self) -> Option<&IdentityChange> {
        self.identity.as_ref()
    }

    /// Forget the marks, the count and a shown identity change (the TUI's `x`); the versions
    /// and their diffs stay.
    pub fn clear(&mut self) {
        self.marked.clear();
        self.change_count = 0;
        self.identity = None;
    }

    pub fn schedule(&self) -> &Schedule {
        &self.schedule
    }

    /// Change the interval (raised to [`MIN_INTERVAL`]).
    pub fn set_interval(&mut self, interval: Duration) {
        self.schedule.set_interval(interval);
    }

    /// The header line: `watching · every 10 s · 3 changes · last 12 s ago`, or the failure.
    pub fn summary(&self, now: Instant) -> String {
        summary::summary(
            &self.schedule,
            self.change_count,
            self.identity.as_ref(),
            now,
        )
    }

    /// Keep the marks bounded: a path that is no longer in the profile and no longer in any
    /// kept diff marks no row, so it goes. Without this, a vendor that adds a fresh key on
    /// every request would grow the set forever. Pruned only when the set outgrows its bound
    /// (the latest profile's places plus the kept diffs' paths), so the common case costs
    /// nothing.
    fn bound_marks(&mut self) {
        let in_diffs: usize = self.ring.iter().map(|v| v.diff.changes().len()).sum();
        let bound = places(self.latest().value.profile()).saturating_add(in_diffs);
        if self.marked.len() <= bound {
            return;
        }
        let mut keep: HashSet<&str> = self
            .ring
            .iter()
            .flat_map(|v| v.diff.changes().iter().map(|c| c.path.as_str()))
            .collect();
        let current = paths(self.latest().value.profile());
        keep.extend(current.iter().map(String::as_str));
        self.marked.retain(|p| keep.contains(p.as_str()));
    }
}

/// How many places (paths) a profile has at most.
fn places(p: &Profile) -> usize {
    3 + 8 + p.properties.len() + p.attributes.len() + p.tags.len() + p.segments.len()
}

/// Every path of a profile (for pruning the marks; not on the hot path).
fn paths(p: &Profile) -> Vec<String> {
    let mut out: Vec<String> = crate::config::watch::IDENTITY_PATHS
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    out.extend(
        crate::config::watch::LOCATION_FIELDS
            .iter()
            .map(|f| format!("location.{f}")),
    );
    for (section, fields) in [
        ("properties", &p.properties),
        ("attributes", &p.attributes),
        ("tags", &p.tags),
    ] {
        out.extend(fields.iter().map(|f| format!("{section}.{}", f.key)));
    }
    out.extend(p.segments.iter().map(|s| {
        format!(
            "segments.{}",
            s.id.as_deref().or(s.name.as_deref()).unwrap_or_default()
        )
    }));
    out
}
