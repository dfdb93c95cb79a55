//! A looked-up profile prepared for the panes: small panes are built once as rows, large ones
//! (properties, attributes, raw JSON) are read row by row so a frame only touches what it shows.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::display::{ABSENT, field_text, timestamp_text};
use crate::lookup::{LookupOutcome, Origin};
use crate::profile::{Field, Section, ValueHint};
use crate::sanitize::sanitize;
use crate::tui::fuzzy::{FuzzyQuery, Needle};
use std::sync::Arc;

use crate::json::{JsonLine, JsonTree, RawIndex};
use crate::tui::text::width;
use crate::vendor::VendorKind;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pane {
    Overview,
    Properties,
    Tags,
    Segments,
    Attributes,
    Location,
    Raw,
    Request,
}

impl Pane {
    pub const ALL: [Pane; 8] = [
        Pane::Overview,
        Pane::Properties,
        Pane::Tags,
        Pane::Segments,
        Pane::Attributes,
        Pane::Location,
        Pane::Raw,
        Pane::Request,
    ];

    pub fn index(self) -> usize {
        Pane::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    pub fn from_index(i: usize) -> Option<Pane> {
        Pane::ALL.get(i).copied()
    }

    pub fn title(self) -> &'static str {
        match self {
            Pane::Overview => "Overview",
            Pane::Properties => "Properties",
            Pane::Tags => "Tags",
            Pane::Segments => "Segments",
            Pane::Attributes => "Attributes",
            Pane::Location => "Location",
            Pane::Raw => "Raw",
            Pane::Request => "Request",
        }
    }

    /// For the tab bar on narrow terminals.
    pub fn short_title(self) -> &'static str {
        match self {
            Pane::Overview => "Overview",
            Pane::Properties => "Props",
            Pane::Tags => "Tags",
            Pane::Segments => "Segs",
            Pane::Attributes => "Attrs",
            Pane::Location => "Loc",
            Pane::Raw => "Raw",
            Pane::Request => "Req",
        }
    }

    pub fn section(self) -> Option<Section> {
        match self {
            Pane::Properties => Some(Section::Properties),
            Pane::Tags => Some(Section::Tags),
            Pane::Segments => Some(Section::Segments),
            Pane::Attributes => Some(Section::Attributes),
            Pane::Location => Some(Section::Location),
            _ => None,
        }
    }

    pub fn next(self) -> Pane {
        Pane::from_index((self.index() + 1) % Pane::ALL.len()).unwrap_or(Pane::Overview)
    }

    pub fn prev(self) -> Pane {
        Pane::from_index((self.index() + Pane::ALL.len() - 1) % Pane::ALL.len())
            .unwrap_or(Pane::Overview)
    }
}

pub fn section_noun(section: Section) -> &'static str {
    match section {
        Section::Properties => "properties",
        Section::Tags => "tags",
        Section::Segments => "segments",
        Section::Attributes => "attributes",
        Section::Location => "location",
    }
}

/// "Vemetric has no tags" (the vendor has no such concept) vs "No tags for this user".
pub fn empty_text(vendor: VendorKind, section: Section) -> String {
    if vendor.provides(section) {
        format!("No {} for this user", section_noun(section))
    } else {
        format!("{} has no {}", vendor.display_name(), section_noun(section))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKind {
    Normal,
    Heading,
    Warning,
    Muted,
}

/// One row of a key/value pane, sanitized and ready to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub key: String,
    pub value: String,
    pub kind: RowKind,
    /// Shown in the detail popup instead of `value` when set (pretty JSON, raw timestamp).
    pub detail: Option<String>,
}

impl Row {
    fn new(key: impl AsRef<str>, value: impl AsRef<str>) -> Row {
        Row {
            key: sanitize(key.as_ref()).into_owned(),
            value: sanitize(value.as_ref()).into_owned(),
            kind: RowKind::Normal,
            detail: None,
        }
    }

    fn kind(mut self, kind: RowKind) -> Row {
        self.kind = kind;
        self
    }

    fn opt(key: &str, value: Option<&str>) -> Row {
        Row::new(key, value.filter(|v| !v.is_empty()).unwrap_or(ABSENT))
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PaneScroll {
    pub selected: usize,
    pub offset: usize,
}

pub struct ProfileView {
    /// Shared with the profile cache and a comparison: cloning it is a count, not a copy.
    pub outcome: Arc<LookupOutcome>,
    pub focus: Pane,
    pub scroll: [PaneScroll; 8],
    overview: Vec<Row>,
    segments: Vec<Row>,
    location: Vec<Row>,
    request: Vec<Row>,
    /// The Raw pane: lines flattened once, with its fold and search state.
    pub raw: JsonTree,
    /// Widest key per pane, measured once (measuring 100,000 keys every frame would not be).
    key_widths: [usize; 8],
    /// Per pane: the rows matching a filter, found once per filter change.
    filters: [Option<Filter>; 8],
    /// `userscope open` of a large file: only the identity is known yet; says what is
    /// still being read. The sections are empty until the full view replaces this one.
    pub loading: Option<String>,
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
        let outcome = outcome.into();
        let raw = crate::json::index(&outcome.raw);
        ProfileView::build(outcome, raw, None)
    }

    /// With the body already indexed (`userscope open` builds the index first, to size its
    /// parse by it).
    pub fn with_raw(outcome: LookupOutcome, raw: RawIndex) -> ProfileView {
        ProfileView::build(Arc::new(outcome), raw, None)
    }

    fn build(outcome: Arc<LookupOutcome>, raw: RawIndex, loading: Option<String>) -> ProfileView {
        let overview = overview_rows(&outcome, loading.is_some());
        let segments = segment_rows(&outcome);
        let location = location_rows(&outcome);
        let request = request_rows(&outcome);
        let raw = JsonTree::new(outcome.raw.clone(), raw);
        let p = &outcome.profile;
        let key_widths = [
            rows_key_width(&overview),
            fields_key_width(&p.properties),
            fields_key_width(&p.tags),
            rows_key_width(&segments),
            fields_key_width(&p.attributes),
            rows_key_width(&location),
            0,
            rows_key_width(&request),
        ];
        ProfileView {
            outcome,
            focus: Pane::Overview,
            scroll: [PaneScroll::default(); 8],
            overview,
            segments,
            location,
            request,
            raw,
            key_widths,
            filters: Default::default(),
            loading,
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
        let p = &self.outcome.profile;
        match pane {
            Pane::Properties => Some(&p.properties),
            Pane::Tags => Some(&p.tags),
            Pane::Attributes => Some(&p.attributes),
            _ => None,
        }
    }

    fn rows(&self, pane: Pane) -> Option<&[Row]> {
        match pane {
            Pane::Overview => Some(&self.overview),
            Pane::Segments => Some(&self.segments),
            Pane::Location => Some(&self.location),
            Pane::Request => Some(&self.request),
            _ => None,
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

    /// Rows of the pane before any filter.
    pub fn unfiltered_count(&self, pane: Pane) -> usize {
        if pane == Pane::Raw {
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
        if pane == Pane::Raw {
            return self.raw_row(i).map(|(_, l, _)| Row::new("", l.text()));
        }
        self.rows(pane)?.get(i).cloned()
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

    /// A matcher for the pane's filter, to highlight the matched characters of drawn rows.
    pub fn filter_query(&self, pane: Pane) -> Option<FuzzyQuery> {
        FuzzyQuery::new(&self.filter(pane)?.query)
    }

    pub fn filter(&self, pane: Pane) -> Option<&Filter> {
        self.filters.get(pane.index())?.as_ref()
    }

    /// The Raw pane folds instead; every other pane can be filtered.
    pub fn can_filter(pane: Pane) -> bool {
        pane != Pane::Raw
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
        if let Some(slot) = self.filters.get_mut(pane.index()) {
            *slot = filter;
        }
        if let Some(s) = self.scroll_mut(pane) {
            *s = PaneScroll::default();
        }
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

/// `display::field_text` (what the row shows, before sanitizing), borrowed from the field
/// where it can be and otherwise written into `buf`, which is reused from row to row.
fn field_match_text<'a>(field: &'a Field, now: DateTime<Utc>, buf: &'a mut String) -> &'a str {
    if field.hint != ValueHint::Plain
        && let Some(text) = timestamp_text(&field.value, field.hint, now)
    {
        *buf = text;
        return buf;
    }
    match &field.value {
        Value::Null => ABSENT,
        Value::String(s) if s.is_empty() => ABSENT,
        Value::String(s) => s,
        Value::Bool(true) => "true",
        Value::Bool(false) => "false",
        other => {
            use std::fmt::Write as _;
            buf.clear();
            // Writing to a String cannot fail.
            let _ = write!(buf, "{other}");
            buf
        }
    }
}

fn field_row(field: &Field, now: DateTime<Utc>) -> Row {
    let text = field_text(field, now);
    let mut row = Row::new(&field.key, &text);
    row.detail = match &field.value {
        Value::Array(_) | Value::Object(_) => serde_json::to_string_pretty(&field.value).ok(),
        Value::String(s) if *s != text => Some(format!("{text}\nraw: {s}")),
        Value::Number(n) if n.to_string() != text => Some(format!("{text}\nraw: {n}")),
        _ => None,
    };
    row
}

/// What a count says while `userscope open` is still reading the file.
const LOADING: &str = "loading…";

/// The Overview; while `loading`, every count says so instead of "none".
fn overview_rows(o: &LookupOutcome, loading: bool) -> Vec<Row> {
    let p = &o.profile;
    let vendor = o.vendor;
    let count = |section: Section, n: usize| {
        if loading {
            LOADING.to_owned()
        } else if n == 0 {
            empty_text(vendor, section)
        } else {
            n.to_string()
        }
    };
    let place: Vec<&str> = [&p.location.city, &p.location.region, &p.location.country]
        .into_iter()
        .filter_map(|v| v.as_deref().filter(|s| !s.is_empty()))
        .collect();
    let mut rows = vec![
        Row::opt("Name", p.display_name.as_deref()),
        Row::opt("Email", p.email.as_deref()),
        Row::opt("Kind", p.kind.as_deref()),
        Row::opt("ID", p.id.as_deref()),
        Row::new(
            "Vendor",
            format!("{} (connection {})", vendor.display_name(), o.connection),
        ),
        Row::new(
            "Looked up by",
            format!("{} = {}", o.lookup.by, o.lookup.value),
        ),
        Row::new(
            "Location",
            if place.is_empty() {
                count(Section::Location, 0)
            } else {
                place.join(", ")
            },
        ),
        Row::new("Properties", count(Section::Properties, p.properties.len())),
        Row::new("Tags", count(Section::Tags, p.tags.len())),
        Row::new("Segments", count(Section::Segments, p.segments.len())),
        Row::new("Attributes", count(Section::Attributes, p.attributes.len())),
        if o.origin == Origin::File {
            Row::new("Request", format!("none: opened from {}", o.request.url))
        } else {
            Row::new(
                "Request",
                format!(
                    "{} → HTTP {} in {} ms",
                    o.request.method, o.request.status, o.request.elapsed_ms
                ),
            )
        },
    ];
    if loading {
        rows.push(Row::new("Warnings", LOADING));
    } else if o.warnings.is_empty() {
        rows.push(
            Row::new(
                "Warnings",
                "none: the payload matches the documented contract",
            )
            .kind(RowKind::Muted),
        );
    } else {
        rows.push(Row::new(format!("Warnings ({})", o.warnings.len()), "").kind(RowKind::Heading));
        for w in &o.warnings {
            let mut row = Row::new("⚠", w).kind(RowKind::Warning);
            row.detail = Some(w.clone());
            rows.push(row);
        }
    }
    rows
}

fn segment_rows(o: &LookupOutcome) -> Vec<Row> {
    let mut rows = Vec::new();
    for s in &o.profile.segments {
        let name = s.name.as_deref().or(s.id.as_deref()).unwrap_or(ABSENT);
        let id =
            s.id.as_deref()
                .map(|id| format!("id {id}"))
                .unwrap_or_default();
        let mut row = Row::new(name, id).kind(RowKind::Heading);
        row.detail = crate::display::segment_detail(s, &row.value);
        rows.push(row);
        for f in &s.details {
            let mut detail = Row::new(format!("  {}", f.key), crate::display::value_text(&f.value));
            if matches!(f.value, Value::Array(_) | Value::Object(_)) {
                detail.detail = serde_json::to_string_pretty(&f.value).ok();
            }
            rows.push(detail);
        }
    }
    rows
}

fn location_rows(o: &LookupOutcome) -> Vec<Row> {
    if o.profile.location.is_empty() {
        return Vec::new();
    }
    o.profile
        .location
        .entries()
        .iter()
        .map(|(label, value)| Row::opt(label, *value))
        .collect()
}

/// The full profile view of a saved file (row caches and all), built off the UI thread so the
/// UI thread only swaps it in (`Effect::LoadFile`).
pub fn load_view(job: crate::open::FileJob) -> Result<ProfileView, crate::open::OpenError> {
    crate::open::load(job.bytes, job.vendor, &job.connection, &job.path)
        .map(|(outcome, lines)| ProfileView::with_raw(outcome, lines))
}

fn request_rows(o: &LookupOutcome) -> Vec<Row> {
    let r = &o.request;
    if o.origin == Origin::File {
        return vec![
            Row::new("Source", format!("opened from {}", r.url)),
            Row::new("Body size", format!("{} bytes", o.raw.len())),
            Row::new("Network", "none: no request was made").kind(RowKind::Muted),
        ];
    }
    let mut rows = vec![
        Row::new("Method", &r.method),
        Row::new("URL", &r.url),
        Row::new("Status", r.status.to_string()),
        Row::new("Elapsed", format!("{} ms", r.elapsed_ms)),
        Row::new("Body size", format!("{} bytes", o.raw.len())),
    ];
    if !r.request_headers.is_empty() {
        rows.push(Row::new("Request headers", "").kind(RowKind::Heading));
        rows.extend(r.request_headers.iter().map(|(k, v)| header_row(k, v)));
    }
    rows.push(Row::new("Response headers", "").kind(RowKind::Heading));
    if r.response_headers.is_empty() {
        rows.push(Row::new("  —", "none recorded").kind(RowKind::Muted));
    }
    rows.extend(r.response_headers.iter().map(|(k, v)| header_row(k, v)));
    rows
}

/// Headers arrive redacted from the lookup; redact again here so a header added later can never
/// show a secret on screen.
fn header_row(name: &str, value: &str) -> Row {
    let lower = name.to_ascii_lowercase();
    // The same names `http::record_response_headers` redacts (any `key`, e.g. `X-Echo-Key`).
    let secret = ["authorization", "cookie", "key", "token", "secret"]
        .iter()
        .any(|s| lower.contains(s));
    let shown = if secret && !value.ends_with("[redacted]") {
        "[redacted]"
    } else {
        value
    };
    Row::new(format!("  {name}"), shown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

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
