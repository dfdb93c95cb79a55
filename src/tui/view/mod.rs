//! A looked-up profile prepared for the panes: small panes are built once as rows, large ones
//! (properties, attributes, raw JSON) are read row by row so a frame only touches what it shows.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::json::{JsonLine, JsonTree, RawIndex};
use crate::lookup::LookupOutcome;
use crate::profile::{Field, ValueHint};
use crate::sanitize::sanitize;
use crate::tui::fuzzy::{FuzzyQuery, Needle};
use crate::tui::text::width;
use crate::vendors::VendorKind;

mod countries;
pub mod facts;
mod pane;
mod rows;
pub mod timeline;

pub use pane::{PANE_COUNT, PANES, Pane, PaneSpec, RowSource};
pub use rows::{Row, RowKind, empty_text, section_noun};
use rows::{field_match_text, field_row};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PaneScroll {
    pub selected: usize,
    pub offset: usize,
}

pub struct ProfileView {
    /// Shared with the profile cache and a comparison: cloning it is a count, not a copy.
    pub outcome: Arc<LookupOutcome>,
    pub focus: Pane,
    pub scroll: [PaneScroll; PANE_COUNT],
    /// Per pane: its rows when they are built once (`RowSource::Built`), else empty.
    built: [Vec<Row>; PANE_COUNT],
    /// The Raw pane: lines flattened once, with its fold and search state.
    pub raw: JsonTree,
    /// Widest key per pane, measured once (measuring 100,000 keys every frame would not be).
    key_widths: [usize; PANE_COUNT],
    /// Per pane: the rows matching a filter, found once per filter change.
    filters: [Option<Filter>; PANE_COUNT],
    /// `userscope open` of a large file: only the identity is known yet; says what is
    /// still being read. The sections are empty until the full view replaces this one.
    pub loading: Option<String>,
    /// The lifecycle timeline of the Overview, collected once (drawn `as_of` the clock).
    pub timeline: crate::timeline::Timeline,
}

/// A pane's filter: the query and the (unfiltered) indices of the rows that match it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    pub query: String,
    needle: Option<Needle>,
    rows: Vec<usize>,
}

/// Cells a key takes once sanitized; printable ASCII (nearly every key) is counted without
/// the Unicode walk, which matters at a million keys.
fn key_cells(key: &str) -> usize {
    if key.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        key.len()
    } else {
        width(&sanitize(key))
    }
}

fn fields_key_width(fields: &[Field]) -> usize {
    fields.iter().map(|f| key_cells(&f.key)).max().unwrap_or(0)
}

fn rows_key_width(rows: &[Row]) -> usize {
    rows.iter().map(|r| width(&r.key)).max().unwrap_or(0)
}

impl ProfileView {
    pub fn new(outcome: impl Into<Arc<LookupOutcome>>) -> ProfileView {
        ProfileView::indexed(outcome, None)
    }

    /// With the body's Raw index when it was built already (off the UI thread, by the lookup's
    /// task: indexing a big body is most of the cost of showing it); built here otherwise.
    pub fn indexed(outcome: impl Into<Arc<LookupOutcome>>, raw: Option<RawIndex>) -> ProfileView {
        let outcome = outcome.into();
        let raw = raw.unwrap_or_else(|| crate::json::index(&outcome.raw));
        ProfileView::build(outcome, raw, None)
    }

    /// With the body already indexed (`userscope open` builds the index first, to size its
    /// parse by it).
    pub fn with_raw(outcome: LookupOutcome, raw: RawIndex) -> ProfileView {
        ProfileView::build(Arc::new(outcome), raw, None)
    }

    fn build(outcome: Arc<LookupOutcome>, raw: RawIndex, loading: Option<String>) -> ProfileView {
        let built: [Vec<Row>; PANE_COUNT] =
            std::array::from_fn(|i| match PANES.get(i).map(|spec| spec.rows) {
                Some(RowSource::Built(rows)) => rows(&outcome, loading.is_some()),
                Some(RowSource::Fields(_) | RowSource::Raw) | None => Vec::new(),
            });
        let key_widths = std::array::from_fn(|i| match PANES.get(i).map(|spec| spec.rows) {
            Some(RowSource::Built(_)) => built.get(i).map_or(0, |rows| rows_key_width(rows)),
            Some(RowSource::Fields(fields)) => fields_key_width(fields(&outcome.profile)),
            Some(RowSource::Raw) | None => 0,
        });
        let raw = JsonTree::new(outcome.raw.clone(), raw);
        let timeline = crate::timeline::Timeline::collect(&outcome.profile);
        ProfileView {
            outcome,
            focus: Pane::Overview,
            scroll: [PaneScroll::default(); PANE_COUNT],
            built,
            raw,
            key_widths,
            filters: Default::default(),
            loading,
            timeline,
        }
    }

    /// The first screen of a file still being read: `outcome` holds the identity only (ID,
    /// name, email, kind); every count and section says it is loading instead of "none".
    pub fn loading(mut outcome: LookupOutcome, note: String) -> ProfileView {
        let p = &mut outcome.profile;
        *p = crate::profile::Profile {
            id: p.id.take(),
            display_name: p.display_name.take(),
            email: p.email.take(),
            kind: p.kind.take(),
            ..Default::default()
        };
        outcome.warnings.clear();
        ProfileView::build(Arc::new(outcome), RawIndex::default(), Some(note))
    }

    pub fn vendor(&self) -> VendorKind {
        self.outcome.vendor
    }

    pub fn key_width(&self, pane: Pane) -> usize {
        self.key_widths.get(pane.index()).copied().unwrap_or(0)
    }

    pub fn scroll(&self, pane: Pane) -> PaneScroll {
        self.scroll.get(pane.index()).copied().unwrap_or_default()
    }

    pub fn scroll_mut(&mut self, pane: Pane) -> Option<&mut PaneScroll> {
        self.scroll.get_mut(pane.index())
    }

    fn fields(&self, pane: Pane) -> Option<&[Field]> {
        match pane.spec().rows {
            RowSource::Fields(fields) => Some(fields(&self.outcome.profile)),
            RowSource::Built(_) | RowSource::Raw => None,
        }
    }

    fn rows(&self, pane: Pane) -> Option<&[Row]> {
        match pane.spec().rows {
            RowSource::Built(_) => self.built.get(pane.index()).map(Vec::as_slice),
            RowSource::Fields(_) | RowSource::Raw => None,
        }
    }

    pub fn raw_line_count(&self) -> usize {
        self.raw.line_count()
    }

    /// Raw row `i` (after folding) as (line index, line, folded?).
    pub fn raw_row(&self, i: usize) -> Option<(usize, JsonLine, bool)> {
        self.raw.row(i)
    }

    /// The closing line of a folded container (its comma is shown on the folded row).
    pub fn raw_line(&self, index: usize) -> Option<JsonLine> {
        self.raw.line(index)
    }

    /// Fold or unfold the container at the selected Raw row (its opening or closing line).
    pub fn toggle_fold(&mut self) {
        self.fold_selected(None);
    }

    /// Fold (`Some(true)`), unfold (`Some(false)`) or toggle the selected Raw container.
    pub fn fold_selected(&mut self, fold: Option<bool>) {
        let selected = self.scroll(Pane::Raw).selected;
        if let Some(row) = self.raw.fold_at(selected, fold)
            && let Some(s) = self.scroll_mut(Pane::Raw)
        {
            s.selected = row;
        }
    }

    /// Moves the Raw selection to `row` (after a fold-all, parent jump or search match).
    pub fn select_raw(&mut self, row: usize) {
        let last = self.raw.row_count().saturating_sub(1);
        if let Some(s) = self.scroll_mut(Pane::Raw) {
            s.selected = row.min(last);
        }
    }

    /// The line index of the selected Raw row.
    pub fn raw_selected_line(&self) -> Option<usize> {
        self.raw.row_index(self.scroll(Pane::Raw).selected)
    }

    /// Items the pane lists, for its title: a segment is one item however many detail rows
    /// it has (the Overview's count and the title agree).
    pub fn item_count(&self, pane: Pane) -> usize {
        match pane {
            Pane::Segments => self.outcome.profile.segments.len(),
            _ => self.unfiltered_count(pane),
        }
    }

    /// The pane shown beside a focused Overview on wide terminals: the larger of Properties
    /// and Attributes (where most of a profile usually is).
    pub fn companion(&self) -> Pane {
        if self.unfiltered_count(Pane::Attributes) > self.unfiltered_count(Pane::Properties) {
            Pane::Attributes
        } else {
            Pane::Properties
        }
    }

    /// Rows of the pane before any filter.
    pub fn unfiltered_count(&self, pane: Pane) -> usize {
        if matches!(pane.spec().rows, RowSource::Raw) {
            return self.raw.row_count();
        }
        if let Some(fields) = self.fields(pane) {
            return fields.len();
        }
        self.rows(pane).map_or(0, <[Row]>::len)
    }

    fn unfiltered_row(&self, pane: Pane, i: usize, now: DateTime<Utc>) -> Option<Row> {
        if let Some(fields) = self.fields(pane) {
            return fields.get(i).map(|f| field_row(f, now));
        }
        if matches!(pane.spec().rows, RowSource::Raw) {
            return self.raw_row(i).map(|(_, l, _)| Row::new("", l.text()));
        }
        self.rows(pane)?.get(i).cloned().map(|row| row.at(now))
    }

    /// Rows the pane shows (after its filter, if any).
    pub fn row_count(&self, pane: Pane) -> usize {
        match self.filter(pane) {
            Some(f) => f.rows.len(),
            None => self.unfiltered_count(pane),
        }
    }

    /// Row `i` of a pane as shown (after its filter); field rows are formatted here, on demand.
    pub fn row(&self, pane: Pane, i: usize, now: DateTime<Utc>) -> Option<Row> {
        match self.filter(pane) {
            Some(f) => self.unfiltered_row(pane, *f.rows.get(i)?, now),
            None => self.unfiltered_row(pane, i, now),
        }
    }

    /// The unfiltered row shown as row `i` of the pane (the watch marks rows by it).
    pub fn unfiltered_index(&self, pane: Pane, i: usize) -> Option<usize> {
        match self.filter(pane) {
            Some(f) => f.rows.get(i).copied(),
            None => (i < self.unfiltered_count(pane)).then_some(i),
        }
    }

    /// Where unfiltered row `u` is shown, if its filter lets it through (a jump to a row).
    pub fn shown_index(&self, pane: Pane, u: usize) -> Option<usize> {
        match self.filter(pane) {
            Some(f) => f.rows.binary_search(&u).ok(),
            None => (u < self.unfiltered_count(pane)).then_some(u),
        }
    }

    /// A matcher for the pane's filter, to highlight the matched characters of drawn rows.
    pub fn filter_query(&self, pane: Pane) -> Option<FuzzyQuery> {
        FuzzyQuery::new(&self.filter(pane)?.query)
    }

    pub fn filter(&self, pane: Pane) -> Option<&Filter> {
        self.filters.get(pane.index())?.as_ref()
    }

    /// The Raw pane folds instead; every other pane can be filtered.
    pub fn can_filter(pane: Pane) -> bool {
        !matches!(pane.spec().rows, RowSource::Raw)
    }

    /// Show only the rows whose key or value fuzzily matches `query` (its characters in
    /// order, case ignored; see `tui::fuzzy`), in their original order; an empty query removes
    /// the filter. Scans the pane once per change, not per frame.
    pub fn set_filter(&mut self, pane: Pane, query: &str, now: DateTime<Utc>) {
        if !ProfileView::can_filter(pane) {
            return;
        }
        let filter = Needle::new(query).map(|needle| {
            let mut buf = String::new();
            let mut matches = |i: &usize| self.row_matches(pane, *i, &needle, now, &mut buf);
            // Typing one more character only narrows: scan the previous matches, not the pane.
            let rows = match self.filter(pane) {
                Some(old) if old.needle.as_ref().is_some_and(|o| needle.narrows(o)) => {
                    old.rows.iter().copied().filter(|i| matches(i)).collect()
                }
                _ => (0..self.unfiltered_count(pane))
                    .filter(|i| matches(i))
                    .collect(),
            };
            Filter {
                query: query.to_owned(),
                needle: Some(needle),
                rows,
            }
        });
        self.install_filter(pane, filter);
    }

    /// A new filter (or none) for `pane`; its rows changed, so its scroll starts over.
    fn install_filter(&mut self, pane: Pane, filter: Option<Filter>) {
        if let Some(slot) = self.filters.get_mut(pane.index()) {
            *slot = filter;
        }
        if let Some(s) = self.scroll_mut(pane) {
            *s = PaneScroll::default();
        }
    }

    /// `old`'s filter of `pane` applied to this (newer) version of the profile, with the scroll
    /// reset as `set_filter` does. A field whose key and value are the same as at the same
    /// place in `old`, and whose text does not move with the clock (not a date, which shows
    /// its age), keeps its old verdict instead of being matched again: a watch refresh
    /// changes a few of 100,000 attributes, and comparing is cheaper than matching.
    pub fn carry_filter(&mut self, old: &ProfileView, pane: Pane, now: DateTime<Utc>) {
        let Some(filter) = old.filter(pane) else {
            return;
        };
        let (Some(needle), Some(old_fields), Some(new_fields)) =
            (&filter.needle, old.fields(pane), self.fields(pane))
        else {
            return self.set_filter(pane, &filter.query, now);
        };
        if old_fields.len() != new_fields.len() {
            return self.set_filter(pane, &filter.query, now);
        }
        let mut buf = String::new();
        let mut old_matches = filter.rows.iter().copied().peekable();
        let rows = old_fields
            .iter()
            .zip(new_fields)
            .enumerate()
            .filter(|(i, (was, is))| {
                let matched_before = old_matches.next_if_eq(i).is_some();
                let same_text = was.hint == ValueHint::Plain
                    && is.hint == ValueHint::Plain
                    && was.key == is.key
                    && was.value == is.value;
                if same_text {
                    matched_before
                } else {
                    self.row_matches(pane, *i, needle, now, &mut buf)
                }
            })
            .map(|(i, _)| i)
            .collect();
        let carried = Filter {
            query: filter.query.clone(),
            needle: Some(needle.clone()),
            rows,
        };
        self.install_filter(pane, Some(carried));
    }

    /// Whether unfiltered row `i` matches, on the key and value text the row shows. Nothing is
    /// formatted or copied for the common values (strings, booleans, null), so no per-pane
    /// preparation is needed and the first keystroke costs what every later one does. Field
    /// text is matched before sanitizing: a control character matches nothing (a typed query
    /// has none), where on screen it is a placeholder such as `␛`; a row that matches here
    /// always matches its drawn text too, so the highlight never comes up empty.
    fn row_matches(
        &self,
        pane: Pane,
        i: usize,
        needle: &Needle,
        now: DateTime<Utc>,
        buf: &mut String,
    ) -> bool {
        if let Some(fields) = self.fields(pane) {
            return fields.get(i).is_some_and(|f| {
                needle.matches(&f.key) || needle.matches(field_match_text(f, now, buf))
            });
        }
        self.rows(pane)
            .and_then(|rows| rows.get(i))
            .is_some_and(|r| needle.matches(&r.key) || needle.matches(&r.value))
    }

    /// What the pane says when it has no rows.
    pub fn empty_text(&self, pane: Pane) -> Option<String> {
        if self.row_count(pane) > 0 {
            return None;
        }
        if let Some(note) = &self.loading {
            return Some(note.clone());
        }
        if let Some(f) = self.filter(pane) {
            return Some(format!(
                "No {} match “{}” (Esc clears the filter)",
                pane.title().to_lowercase(),
                sanitize(&f.query)
            ));
        }
        Some(match pane.section() {
            Some(section) => empty_text(self.vendor(), section),
            None => "Nothing to show".to_owned(),
        })
    }
}

/// The full profile view of a saved file (row caches and all), built off the UI thread so the
/// UI thread only swaps it in (`Effect::LoadFile`).
pub fn load_view(job: crate::open::FileJob) -> Result<ProfileView, crate::open::OpenError> {
    crate::open::load(job.bytes, job.vendor, &job.connection, &job.path)
        .map(|(outcome, lines)| ProfileView::with_raw(outcome, lines))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::display::field_text;
    use crate::profile::ValueHint;
    use chrono::TimeZone;
    use serde_json::{Value, json};

    use proptest::prelude::*;

    fn view_of(attributes: Vec<Field>) -> ProfileView {
        let profile = crate::profile::Profile {
            attributes,
            ..Default::default()
        };
        ProfileView::new(crate::lookup::outcome_for_tests(
            VendorKind::first(),
            "c",
            profile,
        ))
    }

    /// An attribute from a small alphabet, so that versions share keys and values.
    fn field() -> impl Strategy<Value = Field> {
        (0..4u8, 0..6u8, 0..3u8).prop_map(|(k, v, kind)| match kind {
            0 => Field::new(format!("k{k}"), json!(format!("v{v}"))),
            1 => Field::new(format!("k{k}"), json!(v)),
            _ => Field::with_hint(
                format!("seen{k}"),
                json!(1_709_287_200_000i64 + i64::from(v) * 86_400_000),
                ValueHint::EpochMillis,
            ),
        })
    }

    proptest! {
        // Carrying a filter to the next version keeps unchanged rows' verdicts and matches
        // the rest: the rows are exactly those a fresh filter finds, whatever changed (values,
        // keys, dates whose age moved with the clock, rows added or removed).
        #[test]
        fn a_carried_filter_finds_what_a_fresh_one_finds(
            old in proptest::collection::vec(field(), 0..40),
            changes in proptest::collection::vec((0..40usize, field()), 0..6),
            grow in 0..2usize,
            query in "(k1|v2|3|seen|day|k 5)",
        ) {
            let then = Utc.with_ymd_and_hms(2024, 3, 4, 10, 0, 0).unwrap();
            let now = then + chrono::Duration::days(3);
            let mut new = old.clone();
            for (i, f) in changes {
                if let Some(slot) = new.get_mut(i) {
                    *slot = f;
                }
            }
            if grow == 1 {
                new.push(Field::new("k1", json!("v2")));
            }
            let mut before = view_of(old);
            before.set_filter(Pane::Attributes, &query, then);
            let mut carried = view_of(new.clone());
            carried.carry_filter(&before, Pane::Attributes, now);
            let mut fresh = view_of(new);
            fresh.set_filter(Pane::Attributes, &query, now);
            prop_assert_eq!(
                &carried.filter(Pane::Attributes).unwrap().rows,
                &fresh.filter(Pane::Attributes).unwrap().rows
            );
            prop_assert_eq!(carried.scroll(Pane::Attributes), PaneScroll::default());
        }
    }

    #[test]
    fn the_filter_matches_the_text_the_row_shows() {
        let now = Utc.with_ymd_and_hms(2024, 3, 4, 10, 0, 0).unwrap();
        let fields = [
            Field::new("s", json!("Zürich")),
            Field::new("empty", json!("")),
            Field::new("null", Value::Null),
            Field::new("yes", json!(true)),
            Field::new("no", json!(false)),
            Field::new("n", json!(1.25)),
            Field::new("big", json!(18446744073709551557u64)),
            Field::new("obj", json!({"id": 4, "tags": ["a", 4]})),
            Field::new("arr", json!([1, "s1", {"n": null}])),
            Field::with_hint(
                "iso",
                json!("2024-03-01T10:00:00Z"),
                ValueHint::IsoTimestamp,
            ),
            Field::with_hint("iso_bad", json!("soon"), ValueHint::IsoTimestamp),
            Field::with_hint("ms", json!(1709287200000i64), ValueHint::EpochMillis),
            Field::with_hint("ms0", json!(0), ValueHint::EpochMillis),
        ];
        let mut buf = String::from("left over");
        for f in &fields {
            assert_eq!(
                field_match_text(f, now, &mut buf),
                field_text(f, now),
                "{}",
                f.key
            );
        }
    }
}
