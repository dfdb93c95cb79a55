//! The rows of a comparison: identity, location, fields (properties and attributes pooled),
//! tags and segments, each matched once.

use std::collections::{HashMap, VecDeque};

use crate::display::{ABSENT, value_text};
use crate::profile::{Field, Profile, Segment};
use crate::sanitize::sanitize;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::equal::{fields_equal, instant};
use super::{Cell, CompareRow, Group, Status};

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

pub(super) fn field_cell(section: &str, f: &Field) -> Cell {
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
    cell.full = crate::display::segment_detail(s, &segment_text(s));
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
