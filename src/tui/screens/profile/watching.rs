//! The profile screen while its profile is watched (`w`, design §12): the engine's
//! [`Watch`], the refresh in flight, the version shown by `[` / `]`, the Changes list, and
//! which rows are marked. Pure: every call that needs the time is given it.
//!
//! Marks: live, a row is marked when its path changed since the watch began (or `x`); while
//! an older version is shown, when it changed in that version's diff. Paths are the engine's
//! (`attributes.plan`, `location.countryCode`, `segments.<id>`, `displayName`); rows are
//! matched to them through the raw field (never the sanitized text on screen).

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::config::watch::{IDENTITY_PATHS, LOCATION_FIELDS};
use crate::lookup::LookupOutcome;
use crate::profile::Section;
use crate::sanitize::sanitize;
use crate::tui::message::RequestId;
use crate::tui::view::{Pane, ProfileView, RowSource, section_noun};
use crate::watch::{Diff, Ignore, Version, Watch, event::value_text};

/// What a watch starts with: `[tui] watch_secs` and `[watch] ignore` (set by the runtime from
/// the config; the defaults otherwise).
#[derive(Clone, Debug)]
pub struct WatchSetup {
    pub interval: Duration,
    pub ignore: Ignore,
}

impl Default for WatchSetup {
    fn default() -> WatchSetup {
        WatchSetup {
            interval: crate::watch::DEFAULT_INTERVAL,
            ignore: Ignore::default(),
        }
    }
}

/// An older version on show (`[`), with the paths its diff changed.
#[derive(Clone, Debug)]
pub struct Viewing {
    pub seq: u64,
    paths: HashSet<String>,
    sections: Vec<&'static str>,
}

/// The Changes list's cursor (it is drawn over the pane while open).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ChangesList {
    pub selected: usize,
    pub offset: usize,
}

/// One line of the Changes list, sanitized.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeLine {
    pub time: String,
    /// `None` for a change of identity (a different person).
    pub path: Option<String>,
    pub text: String,
    /// The raw path, to jump to its row.
    pub raw_path: Option<String>,
}

pub struct Watching {
    pub watch: Watch<Arc<LookupOutcome>>,
    /// The refresh in flight (its result carries this id; anything else is stale).
    pub request: Option<RequestId>,
    /// The refresh in flight is waiting out a 429 inside the lookup until then.
    pub rate_wait: Option<Instant>,
    /// `Some`: an older version is shown (`[`), not the latest.
    pub viewing: Option<Viewing>,
    /// `Some`: the Changes list is open.
    pub changes: Option<ChangesList>,
    /// The sections with a marked path (the Overview marks their rows), kept with the marks.
    touched: Vec<&'static str>,
}

/// The sections (and `location`) a set of paths touches.
fn sections_of<'a>(paths: impl Iterator<Item = &'a str>) -> Vec<&'static str> {
    let all = ["properties", "attributes", "tags", "segments", "location"];
    let mut found = Vec::new();
    for path in paths {
        if let Some(section) = all.iter().find(|s| {
            path.strip_prefix(**s)
                .is_some_and(|rest| rest.starts_with('.'))
        }) && !found.contains(section)
        {
            found.push(*section);
            if found.len() == all.len() {
                break;
            }
        }
    }
    found
}

impl Watching {
    pub fn new(
        first: Arc<LookupOutcome>,
        at: DateTime<Utc>,
        now: Instant,
        setup: &WatchSetup,
    ) -> Watching {
        Watching {
            watch: Watch::new(first, at, now, setup.interval, setup.ignore.clone()),
            request: None,
            rate_wait: None,
            viewing: None,
            changes: None,
            touched: Vec::new(),
        }
    }

    /// A refresh answered: the new version is kept and diffed. Returns the outcome to show
    /// now (`None` while an older version is on show: the operator is reading it).
    pub fn on_success(
        &mut self,
        now: Instant,
        at: DateTime<Utc>,
        outcome: Arc<LookupOutcome>,
    ) -> Option<Arc<LookupOutcome>> {
        self.request = None;
        self.rate_wait = None;
        let latest = self.watch.on_success(now, at, outcome);
        let shown = latest.value.clone();
        let changed = !latest.diff.is_empty();
        if changed {
            self.touched = sections_of(self.watch.marked().iter().map(String::as_str));
        }
        // A version being read may have left the ring: then the latest is shown again.
        match &self.viewing {
            Some(v) if self.watch.versions().get(v.seq).is_some() => None,
            _ => {
                self.viewing = None;
                Some(shown)
            }
        }
    }

    /// `x`: the marks and the count go; the versions and their diffs stay.
    pub fn clear(&mut self) {
        self.watch.clear();
        self.touched.clear();
    }

    /// Whether the row at `path` is marked on screen.
    pub fn is_marked(&self, path: &str) -> bool {
        match &self.viewing {
            Some(v) => v.paths.contains(path),
            None => self.watch.is_marked(path),
        }
    }

    /// Whether any path of this section (`attributes`, `location`) is marked.
    pub fn section_marked(&self, section: &str) -> bool {
        match &self.viewing {
            Some(v) => v.sections.contains(&section),
            None => self.touched.contains(&section),
        }
    }

    /// The version on show: the latest, or the one `[` went to.
    pub fn shown(&self) -> &Version<Arc<LookupOutcome>> {
        self.viewing
            .as_ref()
            .and_then(|v| self.watch.versions().get(v.seq))
            .unwrap_or_else(|| self.watch.latest())
    }

    /// `[` (`older`) or `]`: the outcome to show now, or `None` when there is nothing that
    /// way (already the oldest kept; already live).
    pub fn step(&mut self, older: bool) -> Option<Arc<LookupOutcome>> {
        let ring = self.watch.versions();
        let current = self.shown().seq;
        let next = if older {
            ring.older(current)?
        } else if self.viewing.is_none() {
            return None;
        } else {
            match ring.newer(current) {
                Some(v) => v,
                None => {
                    self.viewing = None;
                    return Some(self.watch.latest().value.clone());
                }
            }
        };
        let value = next.value.clone();
        if next.seq == ring.latest().seq {
            // `]` onto the newest is live again: new refreshes show as they come.
            self.viewing = None;
        } else {
            let paths: HashSet<String> =
                next.diff.changes().iter().map(|c| c.path.clone()).collect();
            let sections = sections_of(paths.iter().map(String::as_str));
            self.viewing = Some(Viewing {
                seq: next.seq,
                paths,
                sections,
            });
        }
        Some(value)
    }

    /// The header line and whether it must be loud (a failure, a different person).
    pub fn header(&self, now: Instant) -> (String, bool) {
        let loud =
            self.watch.schedule().failure().is_some() || self.watch.identity_change().is_some();
        if let Some(v) = &self.viewing
            && let Some(version) = self.watch.versions().get(v.seq)
        {
            let ring = self.watch.versions();
            let position = ring.iter().position(|x| x.seq == v.seq).unwrap_or(0) + 1;
            return (
                format!(
                    "version {position} of {} · {} · {} · ] newer, past the newest: live",
                    ring.len(),
                    version.at.format("%H:%M:%S"),
                    diff_count(&version.diff)
                ),
                false,
            );
        }
        let mut text = self.watch.summary(now);
        if let Some(until) = self.rate_wait.filter(|u| *u > now) {
            let left = until.saturating_duration_since(now);
            text.push_str(&format!(
                " · rate limited: waiting {} s",
                left.as_secs() + u64::from(left.subsec_millis() > 0)
            ));
        }
        (text, loud)
    }

    /// How many lines the Changes list has (an identity change is one).
    pub fn change_line_count(&self) -> usize {
        self.watch.versions().iter().map(|v| v.diff.len()).sum()
    }

    /// Lines `from..from + count` of the Changes list, newest first (only those are built:
    /// a version can change 100,000 attributes).
    pub fn change_lines(&self, from: usize, count: usize) -> Vec<ChangeLine> {
        let mut out = Vec::new();
        let mut skip = from;
        for v in self.watch.versions().iter().rev() {
            if out.len() >= count {
                break;
            }
            let n = v.diff.len();
            if skip >= n {
                skip -= n;
                continue;
            }
            let time = v.at.format("%H:%M:%S").to_string();
            match &v.diff {
                Diff::Identity { old, new } => {
                    let id = |s: &Option<String>| {
                        s.as_deref()
                            .map_or_else(|| "none".to_owned(), |s| sanitize(s).into_owned())
                    };
                    out.push(ChangeLine {
                        time,
                        path: None,
                        text: format!("DIFFERENT PERSON: id {} → {}", id(old), id(new)),
                        raw_path: None,
                    });
                }
                Diff::Fields(changes) => {
                    for c in changes.iter().skip(skip).take(count - out.len()) {
                        let text = match (&c.old, &c.new) {
                            (None, Some(new)) => format!("added {}", value_text(new)),
                            (Some(old), None) => format!("removed (was {})", value_text(old)),
                            (old, new) => {
                                format!("{} → {}", shown(old.as_ref()), shown(new.as_ref()))
                            }
                        };
                        out.push(ChangeLine {
                            time: time.clone(),
                            path: Some(sanitize(&c.path).into_owned()),
                            text,
                            raw_path: Some(c.path.clone()),
                        });
                    }
                }
            }
            skip = 0;
        }
        out
    }

    /// Whether row `i` of `pane` (as shown, after its filter) is marked.
    pub fn row_marked(&self, view: &ProfileView, pane: Pane, i: usize, now: DateTime<Utc>) -> bool {
        let Some(u) = view.unfiltered_index(pane, i) else {
            return false;
        };
        let p = &view.outcome.profile;
        match pane.spec().rows {
            RowSource::Fields(fields) => {
                let (Some(section), Some(field)) = (pane.section(), fields(p).get(u)) else {
                    return false;
                };
                self.is_marked(&format!("{}.{}", section_noun(section), field.key))
            }
            RowSource::Raw => false,
            RowSource::Built(_) => match pane {
                Pane::Overview => self.overview_row_marked(view, i, u, now),
                Pane::Location => LOCATION_FIELDS
                    .get(u)
                    .is_some_and(|f| self.is_marked(&format!("location.{f}"))),
                Pane::Segments => segment_of_row(view, u)
                    .is_some_and(|key| self.is_marked(&format!("segments.{key}"))),
                _ => false,
            },
        }
    }

    /// The Overview: name, email and kind by their paths; the location, segment, tag and
    /// count rows when anything in their section is marked.
    fn overview_row_marked(
        &self,
        view: &ProfileView,
        i: usize,
        u: usize,
        now: DateTime<Utc>,
    ) -> bool {
        if let Some(path) = IDENTITY_PATHS.get(u) {
            return self.is_marked(path);
        }
        let Some(row) = view.row(Pane::Overview, i, now) else {
            return false;
        };
        let section = match row.key.as_str() {
            "Location" => Section::Location,
            "Segments" => Section::Segments,
            "Tags" => Section::Tags,
            "Properties" => Section::Properties,
            "Attributes" => Section::Attributes,
            _ => return false,
        };
        self.section_marked(section_noun(section))
    }
}

/// `3 changes`, `1 change`, `a different person`.
fn diff_count(diff: &Diff) -> String {
    match diff {
        Diff::Identity { .. } => "a different person".to_owned(),
        Diff::Fields(c) if c.len() == 1 => "1 change".to_owned(),
        Diff::Fields(c) => format!("{} changes", c.len()),
    }
}

fn shown(v: Option<&Value>) -> String {
    v.map_or_else(|| "—".to_owned(), value_text)
}

/// The segment key (id, else name) of unfiltered Segments row `u` (its heading or a detail).
fn segment_of_row(view: &ProfileView, u: usize) -> Option<&str> {
    let mut first = 0usize;
    for s in &view.outcome.profile.segments {
        let last = first + s.details.len();
        if u <= last {
            return Some(s.id.as_deref().or(s.name.as_deref()).unwrap_or_default());
        }
        first = last + 1;
    }
    None
}

/// Where a path's row is: the pane and its unfiltered row, when the shown profile has it.
pub fn locate(view: &ProfileView, path: &str) -> Option<(Pane, usize)> {
    let p = &view.outcome.profile;
    if let Some(i) = IDENTITY_PATHS.iter().position(|x| *x == path) {
        return Some((Pane::Overview, i));
    }
    let (section, key) = path.split_once('.')?;
    if section == "location" {
        let i = LOCATION_FIELDS.iter().position(|f| *f == key)?;
        return (!p.location.is_empty()).then_some((Pane::Location, i));
    }
    if section == "segments" {
        let mut row = 0usize;
        for s in &p.segments {
            if s.id.as_deref().or(s.name.as_deref()).unwrap_or_default() == key {
                return Some((Pane::Segments, row));
            }
            row += 1 + s.details.len();
        }
        return None;
    }
    let pane = Pane::ALL
        .into_iter()
        .find(|pane| pane.section().is_some_and(|s| section_noun(s) == section))?;
    let RowSource::Fields(fields) = pane.spec().rows else {
        return None;
    };
    let i = fields(p).iter().position(|f| f.key == key)?;
    Some((pane, i))
}
