//! A config-defined vendor's body to the normalized profile (design §3, §10). The person is
//! found with the lookups' `profile` pointers; each mapped field pointer moves its value into
//! its slot; every other leaf of the profile object becomes a property keyed by its path
//! (`profile.first_name`, `phones[0]`), JSON type kept. Nothing is lost: a value that does not
//! fit its slot stays a property, with a warning.

use serde_json::Value;

use super::{Pointer, SegmentsSpec, Spec, TagsSpec, TimeFormat};
use crate::profile::{Field, Normalized, Segment, ValueHint};
use crate::vendors::common::{Builder, Place, index_key, member_key, type_name};

/// Why a 2xx body gave no profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoProfile {
    /// No lookup's `profile` pointer (these) finds anything: the vendor knows no such person
    /// (an empty search result).
    Nobody(Vec<Pointer>),
    /// The body is not the configured shape (the message names the pointer).
    Shape(String),
}

/// Where a mapped pointer's value goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Id,
    Email,
    Name,
    Kind,
    Tags,
    Segments,
    Attributes,
    Location(Place),
}

impl Slot {
    fn field(self) -> &'static str {
        match self {
            Slot::Id => "fields.id",
            Slot::Email => "fields.email",
            Slot::Name => "fields.name",
            Slot::Kind => "fields.kind",
            Slot::Tags => "fields.tags.list",
            Slot::Segments => "fields.segments.list",
            Slot::Attributes => "fields.attributes",
            Slot::Location(_) => "fields.location",
        }
    }
}

/// The person in a body: the first lookup `profile` pointer (in lookup order) that finds
/// something. `normalize` is not told which lookup ran, and each lookup's body has its own
/// wrapper, so the pointers are tried in turn.
pub fn profile_pointer<'a>(spec: &'a Spec, body: &Value) -> Result<&'a Pointer, NoProfile> {
    spec.lookups
        .iter()
        .map(|l| &l.profile)
        .find(|p| p.resolve(body).is_some())
        .ok_or_else(|| NoProfile::Nobody(spec.lookups.iter().map(|l| l.profile.clone()).collect()))
}

pub fn normalize(spec: &Spec, mut body: Value) -> Result<Normalized, NoProfile> {
    let at = profile_pointer(spec, &body)?;
    let person = body
        .pointer_mut(at.as_str())
        .map(Value::take)
        .unwrap_or_default();
    let map = match person {
        Value::Object(map) => map,
        other => {
            return Err(NoProfile::Shape(format!(
                "the profile at `{at}` is {}, not an object",
                type_name(&other)
            )));
        }
    };
    let root = Value::Object(map);
    if spec.fields.id.resolve(&root).is_none() {
        return Err(NoProfile::Shape(format!(
            "fields.id `{}` finds nothing in the profile",
            spec.fields.id
        )));
    }
    let mut walk = Walk {
        spec,
        mapped: mapped(spec),
        b: Builder::new(),
    };
    walk.node(&Pointer::whole(), "", root);
    let mut b = walk.b;
    let email = b.profile.email.clone();
    let id = b.profile.id.clone();
    b.fallback(crate::vendors::common::Ident::DisplayName, email);
    b.fallback(crate::vendors::common::Ident::DisplayName, id);
    Ok(b.finish())
}

fn mapped(spec: &Spec) -> Vec<(Pointer, Slot)> {
    let f = &spec.fields;
    let mut out = vec![(f.id.clone(), Slot::Id)];
    let optional = [
        (&f.email, Slot::Email),
        (&f.name, Slot::Name),
        (&f.kind, Slot::Kind),
        (&f.attributes, Slot::Attributes),
    ];
    for (pointer, slot) in optional {
        if let Some(p) = pointer {
            out.push((p.clone(), slot));
        }
    }
    if let Some(t) = &f.tags {
        out.push((t.list.clone(), Slot::Tags));
    }
    if let Some(s) = &f.segments {
        out.push((s.list.clone(), Slot::Segments));
    }
    for (place, p) in &f.location {
        out.push((p.clone(), Slot::Location(*place)));
    }
    out
}

struct Walk<'a> {
    spec: &'a Spec,
    mapped: Vec<(Pointer, Slot)>,
    b: Builder,
}

impl Walk<'_> {
    /// One node of the profile object at `at`, whose property key is `key`.
    fn node(&mut self, at: &Pointer, key: &str, value: Value) {
        if let Some(slot) = self.mapped.iter().find(|(p, _)| p == at).map(|(_, s)| *s) {
            self.place(slot, at, key, value);
            return;
        }
        match value {
            Value::Object(map) if !map.is_empty() => {
                for (name, member) in map {
                    self.node(&at.child(&name), &member_key(key, &name), member);
                }
            }
            // An array stays one property unless a mapped pointer reaches into it.
            Value::Array(items)
                if !items.is_empty()
                    && self.mapped.iter().any(|(p, _)| p != at && p.is_within(at)) =>
            {
                for (i, item) in items.into_iter().enumerate() {
                    self.node(&at.child(&i.to_string()), &index_key(key, i), item);
                }
            }
            leaf => self.property(at, key, leaf),
        }
    }

    /// A leaf (or an unmapped array) as a property, with its timestamp hint if declared.
    fn property(&mut self, at: &Pointer, key: &str, value: Value) {
        let hint = self.hint(at, key, &value);
        self.b
            .profile
            .properties
            .push(Field::with_hint(key, value, hint));
    }

    /// The display hint of a declared timestamp, warning when the value is not of its format.
    fn hint(&mut self, at: &Pointer, key: &str, value: &Value) -> ValueHint {
        let Some(format) = self
            .spec
            .fields
            .timestamps
            .iter()
            .find(|(p, _)| p == at)
            .map(|(_, f)| *f)
        else {
            return ValueHint::Plain;
        };
        let (hint, fits, documented) = match format {
            TimeFormat::EpochS => (ValueHint::EpochSeconds, is_integer(value), "epoch seconds"),
            TimeFormat::EpochMs => (
                ValueHint::EpochMillis,
                is_integer(value),
                "epoch milliseconds",
            ),
            TimeFormat::Iso8601 => (
                ValueHint::IsoTimestamp,
                value
                    .as_str()
                    .is_some_and(|s| crate::display::parse_iso(s).is_some()),
                "an ISO 8601 timestamp",
            ),
        };
        if !fits && !value.is_null() {
            self.b.warn(format!(
                "{key}: configured as {documented}, got {}",
                match value {
                    Value::String(_) if format == TimeFormat::Iso8601 => "a string that is not one",
                    Value::Number(_) => "a fractional number",
                    other => type_name(other),
                }
            ));
        }
        hint
    }

    fn place(&mut self, slot: Slot, at: &Pointer, key: &str, value: Value) {
        match slot {
            Slot::Id | Slot::Email | Slot::Name | Slot::Kind => self.identity(slot, at, key, value),
            Slot::Location(place) => self.b.location(place, key, value),
            Slot::Attributes => match value {
                Value::Object(map) if !map.is_empty() => {
                    for (name, member) in map {
                        let hint = self.hint(&at.child(&name), &name, &member);
                        self.b
                            .profile
                            .attributes
                            .push(Field::with_hint(name, member, hint));
                    }
                }
                other => self.misfit(slot, at, key, other, "an object"),
            },
            Slot::Tags => match (value, &self.spec.fields.tags) {
                (Value::Array(items), Some(tags)) if !items.is_empty() => {
                    let tags = tags.clone();
                    for (i, item) in items.into_iter().enumerate() {
                        self.tag(&tags, &index_key(key, i), item);
                    }
                }
                (other, _) => self.misfit(slot, at, key, other, "an array"),
            },
            Slot::Segments => match (value, &self.spec.fields.segments) {
                (Value::Array(items), Some(segments)) if !items.is_empty() => {
                    let segments = segments.clone();
                    for (i, item) in items.into_iter().enumerate() {
                        self.segment(&segments, &index_key(key, i), item);
                    }
                }
                (other, _) => self.misfit(slot, at, key, other, "an array"),
            },
        }
    }

    /// A mapped value of the wrong shape (or an empty one) stays a property; only a wrong
    /// type is warned about.
    fn misfit(&mut self, slot: Slot, at: &Pointer, key: &str, value: Value, expected: &str) {
        let empty = match &value {
            Value::Null => true,
            Value::Array(a) => a.is_empty() && expected == "an array",
            Value::Object(o) => o.is_empty() && expected == "an object",
            _ => false,
        };
        if !empty {
            self.b.warn(format!(
                "{} `{at}`: expected {expected}, got {}",
                slot.field(),
                type_name(&value)
            ));
        }
        self.property(at, key, value);
    }

    fn identity(&mut self, slot: Slot, at: &Pointer, key: &str, value: Value) {
        let p = &mut self.b.profile;
        let target = match slot {
            Slot::Id => &mut p.id,
            Slot::Email => &mut p.email,
            Slot::Name => &mut p.display_name,
            _ => &mut p.kind,
        };
        match slot_text(&value) {
            Some(text) if target.is_none() => *target = Some(text),
            found => {
                let blank = value.is_null() || value.as_str().is_some_and(str::is_empty);
                if found.is_none() && !blank {
                    self.b.warn(format!(
                        "{} `{at}`: expected a string, got {}",
                        slot.field(),
                        type_name(&value)
                    ));
                }
                self.property(at, key, value);
            }
        }
    }

    fn tag(&mut self, spec: &TagsSpec, key: &str, mut item: Value) {
        let name = take(&mut item, &spec.key);
        let Some(name_text) = name.as_ref().and_then(slot_text) else {
            self.b.warn(format!(
                "{key}: a tag without a text at `{}`; kept as a property",
                spec.key
            ));
            if let Some(name) = name {
                put_back(&mut item, &spec.key, name);
            }
            // Kept whole-ish: even an empty item is a leaf of the body.
            let mut fields = Vec::new();
            leaves(key, item, &mut fields);
            self.b.profile.properties.extend(fields);
            return;
        };
        let value = spec
            .value
            .as_ref()
            .and_then(|p| take(&mut item, p))
            .unwrap_or(Value::Null);
        self.b.tag(name_text, value);
        self.spill(key, item);
    }

    fn segment(&mut self, spec: &SegmentsSpec, key: &str, mut item: Value) {
        if !item.is_object() || item.as_object().is_some_and(serde_json::Map::is_empty) {
            if !item.is_object() {
                self.b.warn(format!(
                    "{key}: expected a segment object, got {}",
                    type_name(&item)
                ));
            }
            self.b.profile.properties.push(Field::new(key, item));
            return;
        }
        let text_at = |p: &Option<Pointer>, item: &mut Value| -> Option<String> {
            let p = p.as_ref()?;
            let found = take(item, p)?;
            match slot_text(&found) {
                Some(text) => Some(text),
                None => {
                    put_back(item, p, found);
                    None
                }
            }
        };
        let id = text_at(&spec.id, &mut item);
        let name = text_at(&spec.name, &mut item);
        let mut details = Vec::new();
        match item {
            Value::Object(map) if map.is_empty() => {}
            rest => leaves("", rest, &mut details),
        }
        self.b.segment(Segment { id, name, details });
    }

    /// What is left of a tag item, as properties under `key`.
    fn spill(&mut self, key: &str, rest: Value) {
        let mut fields = Vec::new();
        match rest {
            Value::Object(map) if map.is_empty() => {}
            other => leaves(key, other, &mut fields),
        }
        self.b.profile.properties.extend(fields);
    }
}

/// Every leaf of `value` (objects flattened with `.`), arrays and scalars whole.
fn leaves(key: &str, value: Value, out: &mut Vec<Field>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (name, member) in map {
                leaves(&member_key(key, &name), member, out);
            }
        }
        other => out.push(Field::new(key, other)),
    }
}

/// Remove and return what a pointer finds (objects keep their members' order).
fn take(doc: &mut Value, at: &Pointer) -> Option<Value> {
    let mut tokens = at.tokens();
    let last = tokens.pop()?;
    let mut parent = doc;
    for token in &tokens {
        parent = match parent {
            Value::Object(map) => map.get_mut(token)?,
            Value::Array(items) => items.get_mut(array_index(token)?)?,
            _ => return None,
        };
    }
    match parent {
        Value::Object(map) => map.shift_remove(&last),
        Value::Array(items) => {
            let index = array_index(&last)?;
            (index < items.len()).then(|| items.remove(index))
        }
        _ => None,
    }
}

/// Undo a [`take`] whose value did not fit (object members only go back at the end).
fn put_back(doc: &mut Value, at: &Pointer, value: Value) {
    let mut tokens = at.tokens();
    let Some(last) = tokens.pop() else { return };
    let mut parent = doc;
    for token in &tokens {
        let next = match parent {
            Value::Object(map) => map.get_mut(token),
            Value::Array(items) => array_index(token).and_then(|i| items.get_mut(i)),
            _ => None,
        };
        match next {
            Some(next) => parent = next,
            None => return,
        }
    }
    match parent {
        Value::Object(map) => {
            map.insert(last, value);
        }
        Value::Array(items) => {
            if let Some(index) = array_index(&last).filter(|i| *i <= items.len()) {
                items.insert(index, value);
            }
        }
        _ => {}
    }
}

/// An RFC 6901 array index: digits, no leading zero.
fn array_index(token: &str) -> Option<usize> {
    if token.len() > 1 && token.starts_with('0') {
        return None;
    }
    token.parse().ok()
}

fn is_integer(value: &Value) -> bool {
    value.as_i64().is_some() || value.as_u64().is_some()
}

/// A slot's text: a non-empty string, or a number's decimal text (design §3).
fn slot_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
