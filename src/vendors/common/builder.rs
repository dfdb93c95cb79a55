//! The profile builder: every leaf handed to it lands in exactly one place of the normalized
//! profile, with a warning wherever the value departs from the documented type.

use serde_json::Value;

use super::type_name;
use crate::profile::{Field, Location, Normalized, Profile, Segment, ValueHint};

/// The documented JSON type of a field, for type warnings. `null` is always accepted: the
/// vendors' own examples send `null` for fields documented with other types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    Str,
    Int,
    Num,
    Bool,
    Array,
    Object,
    /// An ISO 8601 string.
    Iso,
    /// Epoch milliseconds (an integer).
    Epoch,
    /// Documented without a usable type (e.g. Chakra's `data: null`).
    Any,
}

impl Expect {
    pub fn hint(self) -> ValueHint {
        match self {
            Expect::Iso => ValueHint::IsoTimestamp,
            Expect::Epoch => ValueHint::EpochMillis,
            _ => ValueHint::Plain,
        }
    }

    fn documented_as(self) -> &'static str {
        match self {
            Expect::Str => "a string",
            Expect::Int => "an integer",
            Expect::Num => "a number",
            Expect::Bool => "a boolean",
            Expect::Array => "an array",
            Expect::Object => "an object",
            Expect::Iso => "an ISO 8601 timestamp",
            Expect::Epoch => "epoch milliseconds",
            Expect::Any => "anything",
        }
    }

    /// `None` when the value fits, else the warning's "got …" part.
    fn mismatch(self, value: &Value) -> Option<String> {
        let fits = match (self, value) {
            (_, Value::Null) | (Expect::Any, _) => true,
            (Expect::Str, Value::String(_)) => true,
            (Expect::Int | Expect::Epoch, Value::Number(n)) => n.is_i64() || n.is_u64(),
            (Expect::Num, Value::Number(_)) => true,
            (Expect::Bool, Value::Bool(_)) => true,
            (Expect::Array, Value::Array(_)) => true,
            (Expect::Object, Value::Object(_)) => true,
            (Expect::Iso, Value::String(s)) => {
                if crate::display::parse_iso(s).is_some() {
                    true
                } else {
                    return Some("got a string that is not one".to_owned());
                }
            }
            _ => false,
        };
        if fits {
            None
        } else if matches!(self, Expect::Int | Expect::Epoch) && value.is_number() {
            Some("got a fractional number".to_owned())
        } else {
            Some(format!("got {}", type_name(value)))
        }
    }
}

/// The slots of `Profile` that hold one vendor string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ident {
    Id,
    DisplayName,
    Email,
    Kind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Continent,
    Country,
    CountryCode,
    Region,
    State,
    City,
    PostalCode,
    Timezone,
}

/// A string for an identity or location slot: a non-empty string as is, a number as its
/// decimal text (design §3: never dropped). Anything else does not fit a slot.
pub(super) fn slot_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Collects a profile. Every leaf handed to it lands in exactly one place; values that do
/// not fit where the docs put them fall back to `properties` under their own key.
#[derive(Default)]
pub struct Builder {
    pub profile: Profile,
    pub warnings: Vec<String>,
}

impl Builder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn finish(self) -> Normalized {
        Normalized {
            profile: self.profile,
            warnings: self.warnings,
        }
    }

    /// Warnings quote vendor keys and values: made safe and kept to one line here, once.
    pub fn warn(&mut self, message: String) {
        self.warnings
            .push(crate::sanitize::sanitize(&message).into_owned());
    }

    /// Warn when `value` is not of the documented type. Returns whether it fits.
    pub fn check(&mut self, key: &str, value: &Value, expect: Expect) -> bool {
        self.check_at(|| key.to_owned(), value, expect)
    }

    /// [`Builder::check`] for a path that is only spelled out when there is a warning
    /// (paths like `attributes[912].name` would otherwise cost an allocation per item).
    pub fn check_at(
        &mut self,
        path: impl FnOnce() -> String,
        value: &Value,
        expect: Expect,
    ) -> bool {
        match expect.mismatch(value) {
            None => true,
            Some(got) => {
                let path = path();
                self.warn(format!(
                    "{path}: documented as {}, {got}",
                    expect.documented_as()
                ));
                false
            }
        }
    }

    pub fn missing(&mut self, key: &str) {
        self.warn(format!("{key}: required field missing"));
    }

    pub fn undocumented_warning(&mut self, key: &str) {
        self.warn(format!("{key}: not in the documented payload"));
    }

    /// A property, type-checked, with the hint of its documented type.
    pub fn property(&mut self, key: impl Into<String>, value: Value, expect: Expect) {
        let key = key.into();
        self.check(&key, &value, expect);
        self.profile
            .properties
            .push(Field::with_hint(key, value, expect.hint()));
    }

    /// A field the docs do not list: kept whole in properties, with a warning.
    pub fn undocumented(&mut self, key: impl Into<String>, value: Value) {
        let key = key.into();
        self.undocumented_warning(&key);
        self.profile.properties.push(Field::new(key, value));
    }

    pub fn attribute(&mut self, key: impl Into<String>, value: Value) {
        self.profile.attributes.push(Field::new(key, value));
    }

    pub fn tag(&mut self, key: impl Into<String>, value: Value) {
        self.profile.tags.push(Field::new(key, value));
    }

    pub fn segment(&mut self, segment: Segment) {
        self.profile.segments.push(segment);
    }

    fn ident_slot(&mut self, slot: Ident) -> &mut Option<String> {
        match slot {
            Ident::Id => &mut self.profile.id,
            Ident::DisplayName => &mut self.profile.display_name,
            Ident::Email => &mut self.profile.email,
            Ident::Kind => &mut self.profile.kind,
        }
    }

    /// A documented field that fills an identity slot. A non-empty string moves into the
    /// slot; a number becomes its decimal text; anything else (null, "", wrong type) stays in
    /// properties so nothing is lost, and the slot may be filled by a fallback later.
    pub fn identity(&mut self, slot: Ident, key: &str, value: Value, expect: Expect) {
        self.check(key, &value, expect);
        match slot_text(&value) {
            Some(text) if self.ident_slot(slot).is_none() => *self.ident_slot(slot) = Some(text),
            _ => self
                .profile
                .properties
                .push(Field::with_hint(key, value, expect.hint())),
        }
    }

    /// A field the docs do not list, stored under `key`, warned about as `path`.
    pub fn undocumented_at(&mut self, path: &str, key: impl Into<String>, value: Value) {
        self.undocumented_warning(path);
        self.profile.properties.push(Field::new(key, value));
    }

    /// A documented location string: same rule as [`Builder::identity`].
    pub fn location(&mut self, place: Place, key: &str, value: Value) {
        if !matches!(value, Value::String(_) | Value::Null) {
            self.warn(format!(
                "{key}: location value is {}, not a string",
                type_name(&value)
            ));
        }
        let loc: &mut Location = &mut self.profile.location;
        let slot = match place {
            Place::Continent => &mut loc.continent,
            Place::Country => &mut loc.country,
            Place::CountryCode => &mut loc.country_code,
            Place::Region => &mut loc.region,
            Place::State => &mut loc.state,
            Place::City => &mut loc.city,
            Place::PostalCode => &mut loc.postal_code,
            Place::Timezone => &mut loc.timezone,
        };
        match slot_text(&value) {
            Some(text) if slot.is_none() => *slot = Some(text),
            _ => self.profile.properties.push(Field::new(key, value)),
        }
    }

    /// Fill an identity slot that is still empty with a fallback (a copy; the source leaf
    /// keeps its own home).
    pub fn fallback(&mut self, slot: Ident, text: Option<String>) {
        let slot = self.ident_slot(slot);
        if slot.is_none() {
            *slot = text.filter(|t| !t.is_empty());
        }
    }

    /// The text of a property already collected (for display-name fallbacks).
    pub fn property_text(&self, key: &str) -> Option<String> {
        self.profile
            .properties
            .iter()
            .find(|f| f.key == key)
            .and_then(|f| slot_text(&f.value))
    }
}
