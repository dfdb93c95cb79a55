//! What changed between two consecutive versions of one person's profile, field by field, with
//! design §12's paths (`attributes.ticks`, `location.countryCode`, `segments.seg-1`).
//!
//! Values compare with the compare engine's equality by meaning (`compare::fields_equal`,
//! `compare::values_equal`): `" Acme"` is `"Acme"`, an email's case does not matter, and a
//! timestamp re-spelled at the same instant is no change. A different JSON type is always a
//! change (`48` → `"48"` is what a developer debugging an integration must see), reported as
//! its own kind. The rows of the Compare screen are not reused here: they pool properties with
//! attributes and pair keys loosely (`firstName ~ first_name`), which is right for two vendors
//! and wrong for two versions at one vendor, where a key that moves is a removal plus an
//! addition. Keys pair exactly, within their section, in order (a repeated key pairs its n-th
//! occurrence with the n-th).

use std::collections::HashMap;

use serde_json::Value;

use crate::compare::{fields_equal, values_equal};
use crate::profile::{Field, Profile, Segment};

use super::ignore::Ignore;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    Added,
    Removed,
    /// Same JSON type (or null on one side), different value.
    Changed,
    /// Both sides have a value, of different JSON types (`48` → `"48"`).
    TypeChanged,
}

impl ChangeKind {
    /// One word for the text line and the Changes list.
    pub fn word(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
            ChangeKind::TypeChanged => "type changed",
        }
    }
}

/// One changed place of the profile. `path` is raw vendor text: sanitize it before drawing.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub path: String,
    pub kind: ChangeKind,
    /// `None` when added.
    pub old: Option<Value>,
    /// `None` when removed.
    pub new: Option<Value>,
}

/// The difference between two consecutive versions.
#[derive(Clone, Debug, PartialEq)]
pub enum Diff {
    /// The same person; these places changed (empty: nothing did).
    Fields(Vec<Change>),
    /// The ID now answers with a different person (another profile id): not merged into a
    /// list of field changes, which would read as one person's edits.
    Identity {
        old: Option<String>,
        new: Option<String>,
    },
}

impl Diff {
    /// Whether anything changed at all.
    pub fn is_empty(&self) -> bool {
        matches!(self, Diff::Fields(changes) if changes.is_empty())
    }

    /// How many changes it counts as (an identity change is one).
    pub fn len(&self) -> usize {
        match self {
            Diff::Fields(changes) => changes.len(),
            Diff::Identity { .. } => 1,
        }
    }

    /// The field changes (none for an identity change).
    pub fn changes(&self) -> &[Change] {
        match self {
            Diff::Fields(changes) => changes,
            Diff::Identity { .. } => &[],
        }
    }
}

/// Where each change found goes (the ignore list is applied there, in one place).
type Push<'a> = dyn FnMut(String, ChangeKind, Option<&Value>, Option<&Value>) + 'a;

/// The profile's id, trimmed; blank is absent.
fn identity(p: &Profile) -> Option<&str> {
    p.id.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Everything that changed from `old` to `new`, minus the `ignore`d paths. In profile order:
/// identity fields, location, properties, attributes, tags, segments.
pub fn diff(old: &Profile, new: &Profile, ignore: &Ignore) -> Diff {
    if identity(old) != identity(new) {
        return Diff::Identity {
            old: identity(old).map(str::to_owned),
            new: identity(new).map(str::to_owned),
        };
    }
    let mut out = Vec::new();
    let mut push = |path: String, kind: ChangeKind, old: Option<&Value>, new: Option<&Value>| {
        if !ignore.matches(&path) {
            out.push(Change {
                path,
                kind,
                old: old.cloned(),
                new: new.cloned(),
            });
        }
    };
    let text = |v: &Option<String>| {
        v.as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| Value::String(s.to_owned()))
    };
    for (path, a, b) in [
        ("displayName", &old.display_name, &new.display_name),
        ("email", &old.email, &new.email),
        ("kind", &old.kind, &new.kind),
    ] {
        let (a, b) = (text(a), text(b));
        if let Some(kind) = kind_of(a.as_ref(), b.as_ref()) {
            push(path.to_owned(), kind, a.as_ref(), b.as_ref());
        }
    }
    for ((field, a), (_, b)) in location(old).into_iter().zip(location(new)) {
        let (a, b) = (text(a), text(b));
        if let Some(kind) = kind_of(a.as_ref(), b.as_ref()) {
            push(format!("location.{field}"), kind, a.as_ref(), b.as_ref());
        }
    }
    for (section, a, b) in [
        ("properties", &old.properties, &new.properties),
        ("attributes", &old.attributes, &new.attributes),
        ("tags", &old.tags, &new.tags),
    ] {
        keyed(section, a, b, &mut push);
    }
    segments(&old.segments, &new.segments, &mut push);
    Diff::Fields(out)
}

/// The location fields with their JSON names (the names `[watch] ignore` accepts).
fn location(p: &Profile) -> [(&'static str, &Option<String>); 8] {
    let l = &p.location;
    [
        ("continent", &l.continent),
        ("country", &l.country),
        ("countryCode", &l.country_code),
        ("region", &l.region),
        ("state", &l.state),
        ("city", &l.city),
        ("postalCode", &l.postal_code),
        ("timezone", &l.timezone),
    ]
}

/// The JSON type's name, for "type changed" and its text line.
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// How `old` became `new`, or `None` when they are the same by meaning and type.
fn kind_of(old: Option<&Value>, new: Option<&Value>) -> Option<ChangeKind> {
    match (old, new) {
        (None, None) => None,
        (None, Some(_)) => Some(ChangeKind::Added),
        (Some(_), None) => Some(ChangeKind::Removed),
        (Some(a), Some(b)) => compared(a, b, || values_equal(a, b)),
    }
}

/// `same_meaning` is asked only when the values are not identical (the common case of an
/// unchanged field costs one comparison, not the trimming and parsing of equality by meaning).
fn compared(a: &Value, b: &Value, same_meaning: impl FnOnce() -> bool) -> Option<ChangeKind> {
    if a == b {
        return None;
    }
    let typed = !a.is_null() && !b.is_null();
    if typed && type_name(a) != type_name(b) {
        Some(ChangeKind::TypeChanged)
    } else if same_meaning() {
        None
    } else {
        Some(ChangeKind::Changed)
    }
}

/// Fields of one section, paired by exact key. A re-fetch almost always lists the same keys in
/// the same order, so that common prefix is walked without hashing (100,000 attributes diff in
/// about a millisecond); only the rest goes through a map.
fn keyed(section: &str, old: &[Field], new: &[Field], push: &mut Push<'_>) {
    let field_pair = |a: &Field, b: &Field, push: &mut Push<'_>| {
        if let Some(kind) = compared(&a.value, &b.value, || fields_equal(a, b)) {
            push(
                format!("{section}.{}", a.key),
                kind,
                Some(&a.value),
                Some(&b.value),
            );
        }
    };
    let common = old
        .iter()
        .zip(new)
        .take_while(|(a, b)| a.key == b.key)
        .count();
    for (a, b) in old.iter().zip(new).take(common) {
        field_pair(a, b, push);
    }
    let old_rest = old.get(common..).unwrap_or_default();
    let new_rest = new.get(common..).unwrap_or_default();
    if old_rest.is_empty() && new_rest.is_empty() {
        return;
    }
    let mut by_key = KeyQueues::new(new_rest.iter().map(|f| f.key.as_str()));
    let mut taken = vec![false; new_rest.len()];
    for a in old_rest {
        let pair = by_key
            .pop(a.key.as_str())
            .and_then(|j| Some((j, new_rest.get(j)?)));
        match pair {
            Some((j, b)) => {
                if let Some(t) = taken.get_mut(j) {
                    *t = true;
                }
                field_pair(a, b, push);
            }
            None => push(
                format!("{section}.{}", a.key),
                ChangeKind::Removed,
                Some(&a.value),
                None,
            ),
        }
    }
    for (b, taken) in new_rest.iter().zip(taken) {
        if !taken {
            push(
                format!("{section}.{}", b.key),
                ChangeKind::Added,
                None,
                Some(&b.value),
            );
        }
    }
}

/// For each key, the indices where it occurs, handed out first to last: one map entry per key
/// and one link per index (no queue allocated per key: 100,000 keys in a new order pair up in
/// a fraction of the time).
struct KeyQueues<'a> {
    head: HashMap<&'a str, usize>,
    next: Vec<Option<usize>>,
}

impl<'a> KeyQueues<'a> {
    fn new(keys: impl DoubleEndedIterator<Item = &'a str> + ExactSizeIterator) -> KeyQueues<'a> {
        let mut queues = KeyQueues {
            head: HashMap::with_capacity(keys.len()),
            next: vec![None; keys.len()],
        };
        // Built from the back, so each key's head is its first occurrence.
        for (j, key) in keys.enumerate().rev() {
            if let Some(later) = queues.head.insert(key, j)
                && let Some(link) = queues.next.get_mut(j)
            {
                *link = Some(later);
            }
        }
        queues
    }

    /// The next unused index of `key`.
    fn pop(&mut self, key: &str) -> Option<usize> {
        let j = *self.head.get(key)?;
        match self.next.get(j).copied().flatten() {
            Some(later) => {
                if let Some(slot) = self.head.get_mut(key) {
                    *slot = later;
                }
            }
            None => {
                self.head.remove(key);
            }
        }
        Some(j)
    }
}

/// A segment's key in a path: its id, else its name.
fn segment_key(s: &Segment) -> &str {
    s.id.as_deref().or(s.name.as_deref()).unwrap_or_default()
}

/// A segment as the JSON value an event carries (id, name and any details).
fn segment_value(s: &Segment) -> Value {
    serde_json::to_value(s).unwrap_or(Value::Null)
}

/// Segments paired by id (by name when they have none), in order.
fn segments(old: &[Segment], new: &[Segment], push: &mut Push<'_>) {
    let mut by_key = KeyQueues::new(new.iter().map(segment_key));
    let mut taken = vec![false; new.len()];
    for a in old {
        let path = format!("segments.{}", segment_key(a));
        let pair = by_key
            .pop(segment_key(a))
            .and_then(|j| Some((j, new.get(j)?)));
        match pair {
            Some((j, b)) => {
                if let Some(t) = taken.get_mut(j) {
                    *t = true;
                }
                if a != b {
                    let (a, b) = (segment_value(a), segment_value(b));
                    push(path, ChangeKind::Changed, Some(&a), Some(&b));
                }
            }
            None => push(path, ChangeKind::Removed, Some(&segment_value(a)), None),
        }
    }
    for (b, taken) in new.iter().zip(taken) {
        if !taken {
            push(
                format!("segments.{}", segment_key(b)),
                ChangeKind::Added,
                None,
                Some(&segment_value(b)),
            );
        }
    }
}
