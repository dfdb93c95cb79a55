//! Documented arrays and objects of named members (`{name, value, …}`), and the key paths
//! (`prefix[i]`, `prefix.key`) under which their leaves land.

use serde_json::{Map, Value};

use super::builder::{Builder, Expect, slot_text};
use crate::profile::{Field, Segment};

impl Builder {
    /// A documented array: each item goes to `each(builder, "key[i]", item)`. An empty array,
    /// null or a wrong type stays whole in properties (with a type warning for the latter).
    pub fn items(
        &mut self,
        key: &str,
        value: Value,
        mut each: impl FnMut(&mut Builder, Item<'_>, Value),
    ) {
        match value {
            Value::Array(items) if !items.is_empty() => {
                for (index, item) in items.into_iter().enumerate() {
                    each(self, Item { prefix: key, index }, item);
                }
            }
            other => self.property(key, other, Expect::Array),
        }
    }

    /// A documented `Array<string>` as indexed properties (`phones[0]`, `phones[1]`).
    pub fn string_items(&mut self, key: &str, value: Value) {
        self.items(key, value, |b, at, item| {
            b.property(at.key(), item, Expect::Str)
        });
    }

    /// A documented map of free-form values: each member becomes an attribute (`prefix.k`
    /// when a prefix is given). Empty, null or a wrong type stays whole in properties.
    pub fn attribute_map(&mut self, key: &str, value: Value, prefix: Option<&str>) {
        match value {
            Value::Object(map) if !map.is_empty() => {
                self.profile.attributes.reserve(map.len());
                for (name, value) in map {
                    let name = match prefix {
                        Some(prefix) => member_key(prefix, &name),
                        None => name,
                    };
                    self.attribute(name, value);
                }
            }
            other => self.property(key, other, Expect::Object),
        }
    }

    /// A documented nested object flattened into properties as `prefix.member`, each member
    /// checked against `schema`; members the schema lacks are kept and warned about.
    pub fn flatten(&mut self, prefix: &str, value: Value, schema: &[(&str, Expect)]) {
        match value {
            Value::Object(map) if !map.is_empty() => {
                for (name, value) in map {
                    self.schema_member(prefix, name, value, schema);
                }
            }
            other => self.property(prefix, other, Expect::Object),
        }
    }

    /// One member of a documented nested object, stored as `prefix.name`.
    pub fn schema_member(
        &mut self,
        prefix: &str,
        name: String,
        value: Value,
        schema: &[(&str, Expect)],
    ) {
        let key = member_key(prefix, &name);
        match schema.iter().find(|(documented, _)| *documented == name) {
            Some((_, expect)) => self.property(key, value, *expect),
            None => self.undocumented(key, value),
        }
    }

    /// Warn about each documented required field that the object lacks.
    pub fn require(&mut self, map: &Map<String, Value>, prefix: &str, required: &[&str]) {
        for name in required {
            if !map.contains_key(*name) {
                self.missing(&member_key(prefix, name));
            }
        }
    }
}

/// Warn when a string is longer than the documented maximum (in characters).
pub fn check_max_chars(b: &mut Builder, path: &str, value: &Value, max: usize) {
    if let Value::String(text) = value {
        let count = text.chars().count();
        if count > max {
            b.warn(format!(
                "{path}: documented as at most {max} characters, got {count}"
            ));
        }
    }
}

/// Text of a string-or-number value (segment ids/names, fallback names).
pub fn text_of(value: &Value) -> Option<String> {
    slot_text(value)
}

/// `prefix[i]` keys for array items, `prefix.key` for object members.
pub fn index_key(prefix: &str, i: usize) -> String {
    format!("{prefix}[{i}]")
}

pub fn member_key(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        return key.to_owned();
    }
    // Hot in large bodies: one exact allocation, no formatting machinery.
    let mut out = String::with_capacity(prefix.len() + 1 + key.len());
    out.push_str(prefix);
    out.push('.');
    out.push_str(key);
    out
}

/// Where an array item sits (`tags`, 3), spelled out (`tags[3]`) only when needed.
#[derive(Clone, Copy, Debug)]
pub struct Item<'a> {
    pub prefix: &'a str,
    pub index: usize,
}

impl Item<'_> {
    /// `prefix[i]`
    pub fn key(self) -> String {
        index_key(self.prefix, self.index)
    }

    /// `prefix[i].member`
    pub fn path(self, member: &str) -> String {
        format!("{}[{}].{member}", self.prefix, self.index)
    }
}

/// A string-or-number value as text, moving a string instead of copying it.
pub fn into_text(value: Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// How the members of a [`named_members`] object are checked.
#[derive(Clone, Copy)]
pub enum MemberCheck<'a> {
    /// Only the name (a string) is checked: the vendor does not document the rest.
    NameOnly,
    /// Members are checked against the schema; members it lacks are warned about.
    Schema(&'a [(&'a str, Expect)]),
}

/// An object whose `name` names its `main` member (`{name, value, id, …}`, thousands of
/// them in a big body). `put` receives the main member under the name, then every other
/// member under `NAME.member` in the body's order. Without a usable name, or without a main
/// member to name, the item's index stands in (`attributes[2].value`, `attributes[2].name`).
///
/// One consuming pass with the members parked on the stack: no hashing, no copy of the
/// name, and one allocation per `NAME.member` key — this is the hot path of the benchmark.
pub fn named_members(
    b: &mut Builder,
    at: Item<'_>,
    map: Map<String, Value>,
    main: &str,
    check: MemberCheck<'_>,
    put: fn(&mut Builder, String, Value),
) {
    const INLINE: usize = 6;
    let mut name = None;
    let mut main_value = None;
    let mut inline: [Option<(String, Value)>; INLINE] = Default::default();
    let mut spilled = Vec::new();
    let mut count = 0;
    for (key, value) in map {
        match check {
            MemberCheck::Schema(schema) => match schema.iter().find(|(m, _)| *m == key) {
                Some((_, expect)) => {
                    b.check_at(|| at.path(&key), &value, *expect);
                }
                None => b.undocumented_warning(&at.path(&key)),
            },
            MemberCheck::NameOnly if key == "name" => {
                b.check_at(|| at.path("name"), &value, Expect::Str);
            }
            MemberCheck::NameOnly => {}
        }
        if key == "name" {
            name = Some(value);
        } else if key == main {
            main_value = Some(value);
        } else if count < INLINE {
            inline[count] = Some((key, value));
            count += 1;
        } else {
            spilled.push((key, value));
        }
    }
    let usable = main_value.is_some() && name.as_ref().and_then(text_of).is_some();
    let (base, unnamed) = match name {
        Some(name) if usable => (into_text(name).unwrap_or_default(), None),
        name => (at.key(), name),
    };
    let rest = inline.iter_mut().flatten().chain(spilled.iter_mut());
    for (key, _) in rest {
        *key = member_key(&base, key);
    }
    let unnamed = unnamed.map(|value| (member_key(&base, "name"), value));
    let main_key = if usable {
        base
    } else {
        member_key(&base, main)
    };
    if let Some(value) = main_value {
        put(b, main_key, value);
    }
    for (key, value) in unnamed
        .into_iter()
        .chain(inline.into_iter().flatten())
        .chain(spilled)
    {
        put(b, key, value);
    }
}

/// A documented segment object: `id_key`/`name_key` strings (or numbers) fill id and name,
/// every other member, and an id/name that does not fit, stays in `details`.
pub fn segment_from(object: Map<String, Value>, id_key: &str, name_key: Option<&str>) -> Segment {
    let mut segment = Segment::default();
    for (key, value) in object {
        let slot = if key == id_key {
            &mut segment.id
        } else if Some(key.as_str()) == name_key {
            &mut segment.name
        } else {
            segment.details.push(Field::new(key, value));
            continue;
        };
        match slot_text(&value) {
            Some(text) if slot.is_none() => *slot = Some(text),
            _ => segment.details.push(Field::new(key, value)),
        }
    }
    segment
}
