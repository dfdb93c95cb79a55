//! Two profiles side by side: the pure diff behind the Compare screen ("is this the same
//! person in both tools?"). Rows are matched once, when the comparison opens, so drawing only
//! reads them. Values compare by meaning, not by spelling: emails ignore case, `1` equals
//! `1.0` and `"1"`, and two timestamps (ISO text or epoch milliseconds) equal when they name
//! the same millisecond.

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::display::{ABSENT, parse_iso, value_text};
use crate::lookup::LookupOutcome;
use crate::profile::{Field, Profile, Segment, ValueHint};
use crate::sanitize::sanitize;
use crate::vendor::{Lookup, VendorKind};

/// How a row's two sides relate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    Same,
    Differs,
    OnlyA,
    OnlyB,
}

impl Status {
    /// Told apart without colour (NO_COLOR): `=` same, `≠` differs, `◀` only A, `▶` only B.
    pub fn symbol(self) -> &'static str {
        match self {
            Status::Same => "=",
            Status::Differs => "≠",
            Status::OnlyA => "◀",
            Status::OnlyB => "▶",
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Status::Same => "same",
            Status::Differs => "differs",
            Status::OnlyA => "only A",
            Status::OnlyB => "only B",
        }
    }
}

/// The blocks of the comparison, in the order they are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Group {
    Identity,
    Location,
    /// Properties and attributes together: vendors file the same fact in either.
    Fields,
    Tags,
    Segments,
}

impl Group {
    pub fn title(self) -> &'static str {
        match self {
            Group::Identity => "Identity",
            Group::Location => "Location",
            Group::Fields => "Properties & attributes",
            Group::Tags => "Tags",
            Group::Segments => "Segments",
        }
    }
}

/// One side of a row: where the value lives and how it reads.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// `properties.firstName`, `attributes.company`, `tags.plan`, `email` (sanitized).
    pub path: String,
    /// One line, sanitized, ready to draw.
    pub text: String,
    /// The full value when it differs from `text` (pretty JSON, a timestamp's raw form);
    /// not sanitized, so the detail popup sanitizes it line by line.
    pub full: Option<String>,
}

impl Cell {
    fn new(path: &str, text: &str) -> Cell {
        Cell {
            path: sanitize(path).into_owned(),
            text: sanitize(text).into_owned(),
            full: None,
        }
    }

    /// The whole value, for the detail popup and copies.
    pub fn full_text(&self) -> &str {
        self.full.as_deref().unwrap_or(&self.text)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct CompareRow {
    pub group: Group,
    /// The key as shown: `email`, or `firstName ~ first_name` when the keys matched only
    /// after normalizing (sanitized).
    pub key: String,
    pub a: Option<Cell>,
    pub b: Option<Cell>,
    pub status: Status,
}

/// A side's header: who was looked up where (all text sanitized).
#[derive(Clone, Debug, PartialEq)]
pub struct SideInfo {
    pub vendor: VendorKind,
    pub connection: String,
    pub lookup: Lookup,
    pub id: String,
    pub name: String,
    pub email: String,
    /// What the verdict calls this side: the vendor when the vendors differ, else the
    /// connection when those differ, else `A` / `B`.
    pub label: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub same: usize,
    pub differs: usize,
    pub only_a: usize,
    pub only_b: usize,
}

impl Counts {
    fn add(&mut self, status: Status) {
        match status {
            Status::Same => self.same += 1,
            Status::Differs => self.differs += 1,
            Status::OnlyA => self.only_a += 1,
            Status::OnlyB => self.only_b += 1,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub a: SideInfo,
    pub b: SideInfo,
    pub rows: Vec<CompareRow>,
    /// Rows outside Identity, by status.
    pub counts: Counts,
    /// `Same email · same name · 3 differ · 12 only in Coho · 5 only in User.com`.
    pub verdict: String,
}

impl Comparison {
    /// Compare two looked-up profiles (`a` is the one the user started from).
    pub fn new(a: &LookupOutcome, b: &LookupOutcome) -> Comparison {
        let (label_a, label_b) = if a.vendor != b.vendor {
            (
                a.vendor.display_name().to_owned(),
                b.vendor.display_name().to_owned(),
            )
        } else if a.connection != b.connection {
            (
                sanitize(&a.connection).into_owned(),
                sanitize(&b.connection).into_owned(),
            )
        } else {
            ("A".to_owned(), "B".to_owned())
        };
        let rows = diff(&a.profile, &b.profile);
        let mut counts = Counts::default();
        for row in rows.iter().filter(|r| r.group != Group::Identity) {
            counts.add(row.status);
        }
        let identity = |key: &str| {
            rows.iter()
                .find(|r| r.group == Group::Identity && r.key == key)
                .map(|r| r.status)
        };
        let mut checks = Vec::new();
        // Across vendors the IDs are different by nature; within one they tell the most.
        if a.vendor == b.vendor {
            checks.push(("ID", identity("ID")));
        }
        checks.push(("email", identity("Email")));
        checks.push(("name", identity("Name")));
        let verdict = verdict(&checks, counts, &label_a, &label_b);
        Comparison {
            a: side(a, label_a),
            b: side(b, label_b),
            rows,
            counts,
            verdict,
        }
    }
}

fn side(o: &LookupOutcome, label: String) -> SideInfo {
    let text = |v: &Option<String>| sanitize(v.as_deref().unwrap_or(ABSENT)).into_owned();
    SideInfo {
        vendor: o.vendor,
        connection: sanitize(&o.connection).into_owned(),
        lookup: Lookup::new(o.lookup.by, sanitize(&o.lookup.value).into_owned()),
        id: text(&o.profile.id),
        name: text(&o.profile.display_name),
        email: text(&o.profile.email),
        label,
    }
}

/// The summary line: identity first (the question asked), then how the rest compares.
pub fn verdict(checks: &[(&str, Option<Status>)], counts: Counts, a: &str, b: &str) -> String {
    let mut parts: Vec<String> = checks
        .iter()
        .filter_map(|(noun, status)| {
            Some(match (*status)? {
                Status::Same => format!("same {noun}"),
                Status::Differs => format!("different {noun}"),
                Status::OnlyA => format!("{noun} only in {a}"),
                Status::OnlyB => format!("{noun} only in {b}"),
            })
        })
        .collect();
    if counts.same > 0 {
        parts.push(format!("{} same", counts.same));
    }
    if counts.differs > 0 {
        let verb = if counts.differs == 1 {
            "differs"
        } else {
            "differ"
        };
        parts.push(format!("{} {verb}", counts.differs));
    }
    if counts.only_a > 0 {
        parts.push(format!("{} only in {a}", counts.only_a));
    }
    if counts.only_b > 0 {
        parts.push(format!("{} only in {b}", counts.only_b));
    }
    if parts.is_empty() {
        return "Nothing to compare: both profiles are empty".to_owned();
    }
    let text = parts.join(" · ");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

/// Every row of the comparison, grouped (identity, location, fields, tags, segments).
pub fn diff(a: &Profile, b: &Profile) -> Vec<CompareRow> {
    let mut rows = identity_rows(a, b);
    rows.extend(location_rows(a, b));
    rows.extend(field_rows(Group::Fields, &pooled(a), &pooled(b)));
    rows.extend(field_rows(Group::Tags, &tagged(a), &tagged(b)));
    rows.extend(segment_rows(&a.segments, &b.segments));
    rows
}

/// Properties and attributes as one pool, each field with its section.
fn pooled(p: &Profile) -> Vec<(&'static str, &Field)> {
    p.properties
        .iter()
        .map(|f| ("properties", f))
        .chain(p.attributes.iter().map(|f| ("attributes", f)))
        .collect()
}

fn tagged(p: &Profile) -> Vec<(&'static str, &Field)> {
    p.tags.iter().map(|f| ("tags", f)).collect()
}

/// Whether two optional texts are the same by `eq`; absent and blank are the same.
fn text_status(a: Option<&str>, b: Option<&str>, eq: fn(&str, &str) -> bool) -> Option<Status> {
    let a = a.map(str::trim).filter(|s| !s.is_empty());
    let b = b.map(str::trim).filter(|s| !s.is_empty());
    match (a, b) {
        (None, None) => None,
        (Some(_), None) => Some(Status::OnlyA),
        (None, Some(_)) => Some(Status::OnlyB),
        (Some(x), Some(y)) if eq(x, y) => Some(Status::Same),
        (Some(_), Some(_)) => Some(Status::Differs),
    }
}

fn exact(a: &str, b: &str) -> bool {
    a == b
}

fn ignore_case(a: &str, b: &str) -> bool {
    a.to_lowercase() == b.to_lowercase()
}

/// Names: case and runs of spaces do not matter (`Jane  DOE` is `Jane Doe`).
fn same_name(a: &str, b: &str) -> bool {
    let words = |s: &str| -> Vec<String> { s.split_whitespace().map(str::to_lowercase).collect() };
    words(a) == words(b)
}

fn text_row(
    group: Group,
    key: &str,
    a: Option<&str>,
    b: Option<&str>,
    eq: fn(&str, &str) -> bool,
) -> Option<CompareRow> {
    let status = text_status(a, b, eq)?;
    let cell = |v: Option<&str>| {
        v.map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| Cell::new(&key.to_lowercase().replace(' ', "_"), s))
    };
    Some(CompareRow {
        group,
        key: key.to_owned(),
        a: cell(a),
        b: cell(b),
        status,
    })
}

fn identity_rows(a: &Profile, b: &Profile) -> Vec<CompareRow> {
    [
        text_row(
            Group::Identity,
            "ID",
            a.id.as_deref(),
            b.id.as_deref(),
            exact,
        ),
        text_row(
            Group::Identity,
            "Name",
            a.display_name.as_deref(),
            b.display_name.as_deref(),
            same_name,
        ),
        text_row(
            Group::Identity,
            "Email",
            a.email.as_deref(),
            b.email.as_deref(),
            ignore_case,
        ),
        text_row(
            Group::Identity,
            "Kind",
            a.kind.as_deref(),
            b.kind.as_deref(),
            ignore_case,
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn location_rows(a: &Profile, b: &Profile) -> Vec<CompareRow> {
    a.location
        .entries()
        .into_iter()
        .zip(b.location.entries())
        .filter_map(|((label, x), (_, y))| {
            text_row(Group::Location, label, x, y, ignore_case).map(|mut row| {
                for cell in [row.a.as_mut(), row.b.as_mut()].into_iter().flatten() {
                    cell.path = format!("location.{}", cell.path);
                }
                row
            })
        })
        .collect()
}

/// A key with case, `_`, `-` and spaces ignored (camelCase humps then need nothing more):
/// `firstName`, `first_name`, `First Name` and `first-name` all become `firstname`.
pub fn normalized_key(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Pair fields by key: exact key first (in order, so duplicates pair up one to one), then the
/// normalized key. Unpaired fields are only on their side. A's order leads; B's leftovers follow.
fn field_rows(
    group: Group,
    a: &[(&'static str, &Field)],
    b: &[(&'static str, &Field)],
) -> Vec<CompareRow> {
    let mut pair_of: Vec<Option<usize>> = vec![None; a.len()];
    let mut taken = vec![false; b.len()];
    let mut by_key: HashMap<&str, VecDeque<usize>> = HashMap::new();
    for (j, (_, f)) in b.iter().enumerate() {
        by_key.entry(f.key.as_str()).or_default().push_back(j);
    }
    for (i, (_, f)) in a.iter().enumerate() {
        if let Some(j) = by_key.get_mut(f.key.as_str()).and_then(VecDeque::pop_front)
            && let (Some(slot), Some(t)) = (pair_of.get_mut(i), taken.get_mut(j))
        {
            *slot = Some(j);
            *t = true;
        }
    }
    let mut by_norm: HashMap<String, VecDeque<usize>> = HashMap::new();
    for (j, (_, f)) in b.iter().enumerate() {
        if !taken.get(j).copied().unwrap_or(true) {
            by_norm
                .entry(normalized_key(&f.key))
                .or_default()
                .push_back(j);
        }
    }
    for (i, (_, f)) in a.iter().enumerate() {
        if pair_of.get(i).copied().flatten().is_some() {
            continue;
        }
        if let Some(j) = by_norm
            .get_mut(&normalized_key(&f.key))
            .and_then(VecDeque::pop_front)
            && let (Some(slot), Some(t)) = (pair_of.get_mut(i), taken.get_mut(j))
        {
            *slot = Some(j);
            *t = true;
        }
    }
    let mut rows = Vec::with_capacity(a.len() + b.len());
    for (i, (section, fa)) in a.iter().enumerate() {
        let pair = pair_of.get(i).copied().flatten().and_then(|j| b.get(j));
        rows.push(match pair {
            Some((section_b, fb)) => {
                let key = if fa.key == fb.key {
                    sanitize(&fa.key).into_owned()
                } else {
                    format!("{} ~ {}", sanitize(&fa.key), sanitize(&fb.key))
                };
                CompareRow {
                    group,
                    key,
                    a: Some(field_cell(section, fa)),
                    b: Some(field_cell(section_b, fb)),
                    status: if fields_equal(fa, fb) {
                        Status::Same
                    } else {
                        Status::Differs
                    },
                }
            }
            None => CompareRow {
                group,
                key: sanitize(&fa.key).into_owned(),
                a: Some(field_cell(section, fa)),
                b: None,
                status: Status::OnlyA,
            },
        });
    }
    for (j, (section, fb)) in b.iter().enumerate() {
        if !taken.get(j).copied().unwrap_or(false) {
            rows.push(CompareRow {
                group,
                key: sanitize(&fb.key).into_owned(),
                a: None,
                b: Some(field_cell(section, fb)),
                status: Status::OnlyB,
            });
        }
    }
    rows
}

/// ISO 8601 UTC, with milliseconds only when there are some (they are what is compared).
fn instant_text(at: DateTime<Utc>) -> String {
    if at.timestamp_subsec_millis() == 0 {
        at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    } else {
        at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
    }
}

fn field_cell(section: &str, f: &Field) -> Cell {
    let path = format!("{section}.{}", f.key);
    let (text, full) = match instant(&f.value, f.hint) {
        Some(at) => (
            instant_text(at),
            Some(format!(
                "{}\nraw: {}",
                instant_text(at),
                value_text(&f.value)
            )),
        ),
        None => {
            let text = value_text(&f.value);
            let full = match &f.value {
                Value::Array(_) | Value::Object(_) => serde_json::to_string_pretty(&f.value).ok(),
                _ => None,
            };
            (text, full)
        }
    };
    let mut cell = Cell::new(&path, &text);
    cell.full = full;
    cell
}

fn is_timestamp(hint: ValueHint) -> bool {
    matches!(hint, ValueHint::IsoTimestamp | ValueHint::EpochMillis)
}

/// The instant a hinted timestamp names, to the millisecond (epoch `0` means unknown: none).
pub fn instant(value: &Value, hint: ValueHint) -> Option<DateTime<Utc>> {
    let at = match (hint, value) {
        (ValueHint::IsoTimestamp, Value::String(s)) => parse_iso(s)?,
        (ValueHint::EpochMillis, Value::Number(n)) => {
            let millis = n.as_i64().filter(|m| *m != 0)?;
            DateTime::from_timestamp_millis(millis)?
        }
        _ => return None,
    };
    DateTime::from_timestamp_millis(at.timestamp_millis())
}

/// Two fields' values by meaning: both hinted as timestamps → the same instant; otherwise
/// `values_equal`.
pub fn fields_equal(a: &Field, b: &Field) -> bool {
    if is_timestamp(a.hint)
        && is_timestamp(b.hint)
        && let (Some(x), Some(y)) = (instant(&a.value, a.hint), instant(&b.value, b.hint))
    {
        return x == y;
    }
    values_equal(&a.value, &b.value)
}

/// JSON values by meaning: strings trimmed (emails without case), numbers as numbers (also
/// when one side sent `"48"`), booleans also as `"true"`, null equal to a blank string;
/// arrays in order and objects by key, recursively.
pub fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Null, Value::String(s)) | (Value::String(s), Value::Null) => s.trim().is_empty(),
        (Value::String(x), Value::String(y)) => strings_equal(x, y),
        (Value::Number(x), Value::Number(y)) => numbers_equal(x, y),
        (Value::Number(n), Value::String(s)) | (Value::String(s), Value::Number(n)) => s
            .trim()
            .parse::<serde_json::Number>()
            .is_ok_and(|parsed| numbers_equal(n, &parsed)),
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Bool(x), Value::String(s)) | (Value::String(s), Value::Bool(x)) => s
            .trim()
            .eq_ignore_ascii_case(if *x { "true" } else { "false" }),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| values_equal(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| values_equal(v, w)))
        }
        _ => false,
    }
}

fn looks_like_email(s: &str) -> bool {
    let mut parts = s.split('@');
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(user), Some(domain), None) if !user.is_empty() && domain.contains('.') && !s.contains(char::is_whitespace)
    )
}

fn strings_equal(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    a == b || (looks_like_email(a) && looks_like_email(b) && a.eq_ignore_ascii_case(b))
}

/// Integers exactly (IDs above 2⁵³ must not round together); anything else as `f64`, so `1`
/// equals `1.0`.
fn numbers_equal(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        return x == y;
    }
    if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
        return x == y;
    }
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a.to_string() == b.to_string(),
    }
}

fn segment_text(s: &Segment) -> String {
    match (&s.name, &s.id) {
        (Some(name), Some(id)) => format!("{name} (id {id})"),
        (Some(name), None) => name.clone(),
        (None, Some(id)) => format!("id {id}"),
        (None, None) => ABSENT.to_owned(),
    }
}

fn segment_cell(s: &Segment) -> Cell {
    let label = s.name.as_deref().or(s.id.as_deref()).unwrap_or(ABSENT);
    let mut cell = Cell::new(&format!("segments.{label}"), &segment_text(s));
    cell.full = crate::tui::view::segment_detail(s, &segment_text(s));
    cell
}

fn segment_name(s: &Segment) -> Option<String> {
    s.name
        .as_deref()
        .map(|n| {
            n.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        })
        .filter(|n| !n.is_empty())
}

/// Segments as sets: the same id first, then the same name (case and spacing ignored; across
/// vendors the ids differ by nature). Matched by id with different names: differs.
fn segment_rows(a: &[Segment], b: &[Segment]) -> Vec<CompareRow> {
    let mut pair_of: Vec<Option<usize>> = vec![None; a.len()];
    let mut taken = vec![false; b.len()];
    let mut claim = |i: usize, j: usize, pair_of: &mut Vec<Option<usize>>| {
        if let (Some(slot), Some(t)) = (pair_of.get_mut(i), taken.get_mut(j))
            && slot.is_none()
            && !*t
        {
            *slot = Some(j);
            *t = true;
        }
    };
    let mut by_id: HashMap<&str, VecDeque<usize>> = HashMap::new();
    for (j, s) in b.iter().enumerate() {
        if let Some(id) = s.id.as_deref() {
            by_id.entry(id).or_default().push_back(j);
        }
    }
    for (i, s) in a.iter().enumerate() {
        if let Some(j) =
            s.id.as_deref()
                .and_then(|id| by_id.get_mut(id))
                .and_then(VecDeque::pop_front)
        {
            claim(i, j, &mut pair_of);
        }
    }
    let mut claimed = vec![false; b.len()];
    for j in pair_of.iter().flatten() {
        if let Some(c) = claimed.get_mut(*j) {
            *c = true;
        }
    }
    let mut by_name: HashMap<String, VecDeque<usize>> = HashMap::new();
    for (j, s) in b.iter().enumerate() {
        if !claimed.get(j).copied().unwrap_or(true)
            && let Some(name) = segment_name(s)
        {
            by_name.entry(name).or_default().push_back(j);
        }
    }
    for (i, s) in a.iter().enumerate() {
        if pair_of.get(i).copied().flatten().is_some() {
            continue;
        }
        if let Some(j) = segment_name(s)
            .and_then(|n| by_name.get_mut(&n))
            .and_then(VecDeque::pop_front)
        {
            claim(i, j, &mut pair_of);
        }
    }
    let key = |s: &Segment| {
        sanitize(s.name.as_deref().or(s.id.as_deref()).unwrap_or(ABSENT)).into_owned()
    };
    let mut rows = Vec::new();
    let mut used = vec![false; b.len()];
    for (i, sa) in a.iter().enumerate() {
        let pair = pair_of
            .get(i)
            .copied()
            .flatten()
            .and_then(|j| Some((j, b.get(j)?)));
        rows.push(match pair {
            Some((j, sb)) => {
                if let Some(u) = used.get_mut(j) {
                    *u = true;
                }
                let names_match = match (segment_name(sa), segment_name(sb)) {
                    (Some(x), Some(y)) => x == y,
                    (None, None) => true,
                    _ => false,
                };
                CompareRow {
                    group: Group::Segments,
                    key: key(sa),
                    a: Some(segment_cell(sa)),
                    b: Some(segment_cell(sb)),
                    status: if names_match {
                        Status::Same
                    } else {
                        Status::Differs
                    },
                }
            }
            None => CompareRow {
                group: Group::Segments,
                key: key(sa),
                a: Some(segment_cell(sa)),
                b: None,
                status: Status::OnlyA,
            },
        });
    }
    for (j, sb) in b.iter().enumerate() {
        if !used.get(j).copied().unwrap_or(false) {
            rows.push(CompareRow {
                group: Group::Segments,
                key: key(sb),
                a: None,
                b: Some(segment_cell(sb)),
                status: Status::OnlyB,
            });
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Location;
    use serde_json::json;

    fn field(key: &str, value: Value) -> Field {
        Field::new(key, value)
    }

    fn statuses(rows: &[CompareRow], group: Group) -> Vec<(String, Status)> {
        rows.iter()
            .filter(|r| r.group == group)
            .map(|r| (r.key.clone(), r.status))
            .collect()
    }

    fn s(key: &str, status: Status) -> (String, Status) {
        (key.to_owned(), status)
    }

    #[test]
    fn fields_pair_by_exact_key_first_then_by_normalized_key() {
        let a = Profile {
            properties: vec![
                field("firstName", json!("Jane")),
                field("first_name", json!("Jane")),
                field("plan", json!("pro")),
                field("Last-Name", json!("Doe")),
                field("onlyHere", json!(1)),
            ],
            ..Profile::default()
        };
        let b = Profile {
            // In attributes on this side: properties and attributes form one pool.
            attributes: vec![
                field("first_name", json!("Jane")),
                field("FirstName", json!("Janet")),
                field("last name", json!("Doe")),
                field("plan", json!("team")),
                field("onlyThere", json!(2)),
            ],
            ..Profile::default()
        };
        let rows = diff(&a, &b);
        assert_eq!(
            statuses(&rows, Group::Fields),
            vec![
                // `first_name` took its exact twin, so `firstName` pairs with `FirstName`.
                s("firstName ~ FirstName", Status::Differs),
                s("first_name", Status::Same),
                s("plan", Status::Differs),
                s("Last-Name ~ last name", Status::Same),
                s("onlyHere", Status::OnlyA),
                s("onlyThere", Status::OnlyB),
            ]
        );
        let plan = rows.iter().find(|r| r.key == "plan").unwrap();
        assert_eq!(plan.a.as_ref().unwrap().path, "properties.plan");
        assert_eq!(plan.b.as_ref().unwrap().path, "attributes.plan");
        assert_eq!(plan.b.as_ref().unwrap().text, "team");
    }

    #[test]
    fn normalized_keys_ignore_case_separators_and_camel_case() {
        for k in [
            "firstName",
            "first_name",
            "First Name",
            "first-name",
            "FIRST_NAME",
        ] {
            assert_eq!(normalized_key(k), "firstname", "{k}");
        }
        assert_ne!(normalized_key("first.name"), "firstname");
    }

    #[test]
    fn values_compare_by_meaning() {
        let same = [
            (json!(1), json!(1.0)),
            (json!(48), json!("48")),
            (json!(2399.5), json!("2399.50")),
            (json!(" Jane@Example.COM "), json!("jane@example.com")),
            (json!(true), json!("TRUE")),
            (json!(null), json!("")),
            (json!(["a", 1]), json!(["a", 1.0])),
            (json!({"x": 1, "y": "q"}), json!({"y": "q", "x": 1.0})),
            (
                json!(18446744073709551557u64),
                json!(18446744073709551557u64),
            ),
        ];
        for (a, b) in same {
            assert!(values_equal(&a, &b), "{a} = {b}");
        }
        let different = [
            (json!("Jane"), json!("jane")),
            (json!(1), json!(2)),
            (json!(1), json!("one")),
            (json!(true), json!(1)),
            (json!(null), json!(0)),
            (json!(["a", "b"]), json!(["b", "a"])),
            (json!({"x": 1}), json!({"x": 1, "y": 2})),
            (json!("a@b.com"), json!("A@B.org")),
            // Beyond f64 precision these differ and must stay different.
            (
                json!(18446744073709551557u64),
                json!(18446744073709551556u64),
            ),
        ];
        for (a, b) in different {
            assert!(!values_equal(&a, &b), "{a} ≠ {b}");
        }
    }

    #[test]
    fn timestamps_compare_as_instants_only_when_both_are_hinted() {
        let iso = Field::with_hint(
            "signup",
            json!("2024-02-11T09:21:47.000+01:00"),
            ValueHint::IsoTimestamp,
        );
        let millis = Field::with_hint(
            "signup",
            json!(1_707_639_707_000i64),
            ValueHint::EpochMillis,
        );
        assert!(fields_equal(&iso, &millis));
        let later = Field::with_hint(
            "signup",
            json!(1_707_639_708_000i64),
            ValueHint::EpochMillis,
        );
        assert!(!fields_equal(&iso, &later));
        // Microseconds below the millisecond do not make two instants differ.
        let micros = Field::with_hint(
            "signup",
            json!("2024-02-11T08:21:47.000400Z"),
            ValueHint::IsoTimestamp,
        );
        assert!(fields_equal(&iso, &micros));
        // Without a hint on both sides, the text is compared.
        let plain = Field::new("signup", json!("2024-02-11T08:21:47Z"));
        assert!(!fields_equal(&iso, &plain));
        // The shown text is the instant, not the raw number; the raw is in the detail.
        let cell = field_cell("properties", &millis);
        assert_eq!(cell.text, "2024-02-11T08:21:47Z");
        assert_eq!(
            cell.full.as_deref(),
            Some("2024-02-11T08:21:47Z\nraw: 1707639707000")
        );
        assert_eq!(
            field_cell("attributes", &micros).text,
            "2024-02-11T08:21:47Z",
            "below a millisecond is not shown either"
        );
        let ms = Field::with_hint("t", json!(1_707_639_707_042i64), ValueHint::EpochMillis);
        assert_eq!(
            field_cell("properties", &ms).text,
            "2024-02-11T08:21:47.042Z"
        );
    }

    #[test]
    fn identity_compares_email_without_case_and_names_without_spacing() {
        let a = Profile {
            id: Some("u-1".into()),
            display_name: Some("Jane  DOE".into()),
            email: Some(" Jane@Example.com".into()),
            ..Profile::default()
        };
        let b = Profile {
            id: Some("19678376".into()),
            display_name: Some("jane doe".into()),
            email: Some("jane@example.com".into()),
            kind: Some("user".into()),
            ..Profile::default()
        };
        assert_eq!(
            statuses(&diff(&a, &b), Group::Identity),
            vec![
                s("ID", Status::Differs),
                s("Name", Status::Same),
                s("Email", Status::Same),
                s("Kind", Status::OnlyB),
            ]
        );
    }

    #[test]
    fn location_lists_only_entries_either_side_has() {
        let a = Profile {
            location: Location {
                country: Some("Netherlands".into()),
                city: Some("Rotterdam".into()),
                ..Location::default()
            },
            ..Profile::default()
        };
        let b = Profile {
            location: Location {
                country: Some("netherlands".into()),
                city: Some("Amsterdam".into()),
                timezone: Some("Europe/Amsterdam".into()),
                ..Location::default()
            },
            ..Profile::default()
        };
        let rows = diff(&a, &b);
        assert_eq!(
            statuses(&rows, Group::Location),
            vec![
                s("Country", Status::Same),
                s("City", Status::Differs),
                s("Timezone", Status::OnlyB),
            ]
        );
        assert_eq!(
            rows.iter()
                .find(|r| r.key == "City")
                .unwrap()
                .a
                .as_ref()
                .unwrap()
                .path,
            "location.city"
        );
    }

    #[test]
    fn tags_and_segments_compare_as_sets() {
        let seg = |id: Option<&str>, name: Option<&str>| Segment {
            id: id.map(Into::into),
            name: name.map(Into::into),
            details: vec![],
        };
        let a = Profile {
            tags: vec![field("plan", json!("pro")), field("vip", json!("yes"))],
            segments: vec![
                seg(Some("s1"), Some("Power users")),
                seg(Some("s2"), Some("Beta")),
                seg(Some("s9"), Some("Newsletter — EU")),
                seg(Some("s4"), Some("Gone")),
            ],
            ..Profile::default()
        };
        let b = Profile {
            // Order does not matter.
            tags: vec![
                field("VIP", json!("yes")),
                field("churn-risk", json!("low")),
            ],
            segments: vec![
                seg(Some("311"), Some("newsletter  — eu")),
                seg(Some("s2"), Some("Beta testers")),
                seg(Some("s1"), Some("Power users")),
                seg(None, Some("New")),
            ],
            ..Profile::default()
        };
        let rows = diff(&a, &b);
        assert_eq!(
            statuses(&rows, Group::Tags),
            vec![
                s("plan", Status::OnlyA),
                s("vip ~ VIP", Status::Same),
                s("churn-risk", Status::OnlyB),
            ]
        );
        assert_eq!(
            statuses(&rows, Group::Segments),
            vec![
                s("Power users", Status::Same),
                // Same id, renamed: the same segment, but the names differ.
                s("Beta", Status::Differs),
                // Different ids (another vendor), same name.
                s("Newsletter — EU", Status::Same),
                s("Gone", Status::OnlyA),
                s("New", Status::OnlyB),
            ]
        );
    }

    fn outcome(vendor: VendorKind, connection: &str, profile: Profile) -> LookupOutcome {
        LookupOutcome {
            vendor,
            connection: connection.into(),
            lookup: Lookup::new(crate::vendor::LookupKind::Id, "x"),
            request: crate::lookup::RequestInfo {
                method: "GET".into(),
                url: "https://example.com/".into(),
                status: 200,
                elapsed_ms: 1,
                response_headers: vec![],
                request_headers: vec![],
            },
            profile,
            raw: bytes::Bytes::new(),
            warnings: vec![],
        }
    }

    #[test]
    fn the_verdict_counts_rows_outside_identity_and_names_the_sides() {
        let a = Profile {
            id: Some("u-1".into()),
            display_name: Some("Jane Doe".into()),
            email: Some("jane@example.com".into()),
            properties: vec![
                field("plan", json!("pro")),
                field("seats", json!(3)),
                field("a1", json!(1)),
                field("a2", json!(1)),
            ],
            tags: vec![field("vip", json!(true))],
            ..Profile::default()
        };
        let b = Profile {
            id: Some("77".into()),
            display_name: Some("Jane Roe".into()),
            email: Some("JANE@example.com".into()),
            properties: vec![field("plan", json!("team")), field("seats", json!("3"))],
            attributes: vec![field("b1", json!(1))],
            tags: vec![field("vip", json!("true"))],
            ..Profile::default()
        };
        let cmp = Comparison::new(
            &outcome(VendorKind::Coho, "coho", a.clone()),
            &outcome(VendorKind::Usercom, "usercom", b.clone()),
        );
        assert_eq!(
            cmp.counts,
            Counts {
                same: 2,
                differs: 1,
                only_a: 2,
                only_b: 1
            }
        );
        assert_eq!(
            cmp.verdict,
            "Same email · different name · 2 same · 1 differs · 2 only in Coho · 1 only in User.com"
        );
        assert_eq!(
            (cmp.a.label.as_str(), cmp.b.label.as_str()),
            ("Coho", "User.com")
        );
        // One vendor, two connections: the connections name the sides, and the ID counts.
        let cmp = Comparison::new(
            &outcome(VendorKind::Coho, "coho-eu", a.clone()),
            &outcome(VendorKind::Coho, "coho-us", b),
        );
        assert!(
            cmp.verdict
                .starts_with("Different ID · same email · different name · 2 same"),
            "{}",
            cmp.verdict
        );
        assert!(
            cmp.verdict
                .ends_with("2 only in coho-eu · 1 only in coho-us")
        );
        let cmp = Comparison::new(
            &outcome(VendorKind::Coho, "coho", a.clone()),
            &outcome(VendorKind::Coho, "coho", a),
        );
        assert_eq!(cmp.verdict, "Same ID · same email · same name · 5 same");
        let empty = Comparison::new(
            &outcome(VendorKind::Coho, "coho", Profile::default()),
            &outcome(VendorKind::Coho, "coho", Profile::default()),
        );
        assert_eq!(empty.verdict, "Nothing to compare: both profiles are empty");
        assert!(empty.rows.is_empty());
    }

    #[test]
    fn vendor_text_is_sanitized_in_every_cell() {
        let evil = "x\u{1b}[2J\u{202e}y";
        let a = Profile {
            display_name: Some(evil.into()),
            properties: vec![field(evil, json!(evil))],
            segments: vec![Segment {
                id: Some(evil.into()),
                name: Some(evil.into()),
                details: vec![],
            }],
            ..Profile::default()
        };
        let cmp = Comparison::new(
            &outcome(VendorKind::Coho, evil, a),
            &outcome(VendorKind::Coho, "coho", Profile::default()),
        );
        let mut texts = vec![
            cmp.a.name.clone(),
            cmp.a.connection.clone(),
            cmp.a.label.clone(),
        ];
        for row in &cmp.rows {
            texts.push(row.key.clone());
            for cell in [&row.a, &row.b].into_iter().flatten() {
                texts.push(cell.text.clone());
                texts.push(cell.path.clone());
            }
        }
        for t in texts {
            assert!(!t.contains('\u{1b}') && !t.contains('\u{202e}'), "{t:?}");
        }
    }
}
