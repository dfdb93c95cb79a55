//! A looked-up profile prepared for the panes: small panes are built once as rows, large ones
//! (properties, attributes, raw JSON) are read row by row so a frame only touches what it shows.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::display::{ABSENT, field_text};
use crate::lookup::LookupOutcome;
use crate::profile::{Field, Section};
use crate::sanitize::sanitize;
use crate::tui::json::{JsonLine, flatten_body};
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
    pub outcome: LookupOutcome,
    pub focus: Pane,
    pub scroll: [PaneScroll; 8],
    overview: Vec<Row>,
    segments: Vec<Row>,
    location: Vec<Row>,
    request: Vec<Row>,
    raw: Vec<JsonLine>,
    /// Folded containers of the Raw pane (indices of their opening lines).
    folded: std::collections::BTreeSet<usize>,
    /// Raw rows on screen → line index; `None` while nothing is folded (identity, no memory).
    raw_visible: Option<Vec<usize>>,
    /// Widest key per pane, measured once (measuring 100,000 keys every frame would not be).
    key_widths: [usize; 8],
    /// Per pane: the rows matching a filter, found once per filter change.
    filters: [Option<Filter>; 8],
}

/// A pane's filter: the query and the (unfiltered) indices of the rows that match it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    pub query: String,
    rows: Vec<usize>,
}

fn fields_key_width(fields: &[Field]) -> usize {
    fields
        .iter()
        .map(|f| width(&sanitize(&f.key)))
        .max()
        .unwrap_or(0)
}

fn rows_key_width(rows: &[Row]) -> usize {
    rows.iter().map(|r| width(&r.key)).max().unwrap_or(0)
}

impl ProfileView {
    pub fn new(outcome: LookupOutcome) -> ProfileView {
        let overview = overview_rows(&outcome);
        let segments = segment_rows(&outcome);
        let location = location_rows(&outcome);
        let request = request_rows(&outcome);
        let raw = flatten_body(&outcome.raw);
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
            folded: std::collections::BTreeSet::new(),
            raw_visible: None,
            key_widths,
            filters: Default::default(),
        }
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

    pub fn raw_lines(&self) -> &[JsonLine] {
        &self.raw
    }

    /// Raw row `i` (after folding) as (line index, line, folded?).
    pub fn raw_row(&self, i: usize) -> Option<(usize, &JsonLine, bool)> {
        let index = match &self.raw_visible {
            Some(map) => *map.get(i)?,
            None => i,
        };
        let line = self.raw.get(index)?;
        Some((index, line, self.folded.contains(&index)))
    }

    /// The closing line of a folded container (its comma is shown on the folded row).
    pub fn raw_line(&self, index: usize) -> Option<&JsonLine> {
        self.raw.get(index)
    }

    /// Fold or unfold the container at the selected Raw row (its opening or closing line).
    /// Rebuilding the row map is O(lines), once per toggle, never per frame.
    pub fn toggle_fold(&mut self) {
        let selected = self.scroll(Pane::Raw).selected;
        let Some((index, line, _)) = self.raw_row(selected) else {
            return;
        };
        let opener = match &line.token {
            crate::tui::json::JsonToken::Open(_) if line.end.is_some() => Some(index),
            crate::tui::json::JsonToken::Close(_) => self
                .raw
                .get(..index)
                .and_then(|before| before.iter().rposition(|l| l.end == Some(index))),
            _ => None,
        };
        let Some(opener) = opener else {
            return;
        };
        if !self.folded.remove(&opener) {
            self.folded.insert(opener);
        }
        self.raw_visible = if self.folded.is_empty() {
            None
        } else {
            let mut map = Vec::new();
            let mut i = 0;
            while i < self.raw.len() {
                map.push(i);
                i = match self.raw.get(i).and_then(|l| l.end) {
                    Some(end) if self.folded.contains(&i) => end + 1,
                    _ => i + 1,
                };
            }
            Some(map)
        };
        let row = self
            .raw_visible
            .as_ref()
            .and_then(|m| m.iter().position(|l| *l == opener))
            .unwrap_or(opener);
        if let Some(s) = self.scroll_mut(Pane::Raw) {
            s.selected = row;
        }
    }

    /// Rows of the pane before any filter.
    pub fn unfiltered_count(&self, pane: Pane) -> usize {
        if pane == Pane::Raw {
            return self.raw_visible.as_ref().map_or(self.raw.len(), Vec::len);
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

    pub fn filter(&self, pane: Pane) -> Option<&Filter> {
        self.filters.get(pane.index())?.as_ref()
    }

    /// The Raw pane folds instead; every other pane can be filtered.
    pub fn can_filter(pane: Pane) -> bool {
        pane != Pane::Raw
    }

    /// Show only the rows whose key or value contains `query` (case-insensitive); an empty
    /// query removes the filter. Scans the pane once per change, not per frame.
    pub fn set_filter(&mut self, pane: Pane, query: &str, now: DateTime<Utc>) {
        if !ProfileView::can_filter(pane) {
            return;
        }
        let filter = if query.trim().is_empty() {
            None
        } else {
            let needle = query.to_lowercase();
            let rows = (0..self.unfiltered_count(pane))
                .filter(|i| {
                    self.unfiltered_row(pane, *i, now).is_some_and(|r| {
                        r.key.to_lowercase().contains(&needle)
                            || r.value.to_lowercase().contains(&needle)
                    })
                })
                .collect();
            Some(Filter {
                query: query.to_owned(),
                rows,
            })
        };
        if let Some(slot) = self.filters.get_mut(pane.index()) {
            *slot = filter;
        }
        if let Some(s) = self.scroll_mut(pane) {
            *s = PaneScroll::default();
        }
    }

    /// What the pane says when it has no rows.
    pub fn empty_text(&self, pane: Pane) -> Option<String> {
        if self.row_count(pane) > 0 {
            return None;
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

fn overview_rows(o: &LookupOutcome) -> Vec<Row> {
    let p = &o.profile;
    let vendor = o.vendor;
    let count = |section: Section, n: usize| {
        if n == 0 {
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
        Row::new(
            "Request",
            format!(
                "{} → HTTP {} in {} ms",
                o.request.method, o.request.status, o.request.elapsed_ms
            ),
        ),
    ];
    if o.warnings.is_empty() {
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
        if !s.details.is_empty() {
            let details: serde_json::Map<String, Value> = s
                .details
                .iter()
                .map(|f| (f.key.clone(), f.value.clone()))
                .collect();
            row.detail = serde_json::to_string_pretty(&details)
                .ok()
                .map(|d| format!("{}\n{d}", row.value));
        }
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

fn request_rows(o: &LookupOutcome) -> Vec<Row> {
    let r = &o.request;
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
