//! The facts an operator asks first, read from a profile without knowing its vendor: when the
//! person was created or first seen, when last seen, their plan or status, where they are.
//!
//! Which property says what is decided in ONE table of well-known key names,
//! `timeline::roles::FACT_KEYS`, shared with the timeline's out-of-order check (compared without
//! case, `_` or `-`; a vendor whose key is not listed simply shows no such fact: adding its
//! spelling there is the whole fix).

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::display::{field_text, timestamp_text};
use crate::profile::{Field, Location, Profile, ValueHint};

pub use crate::timeline::roles::FACT_KEYS;
use crate::timeline::roles::normalize_key_into;

/// A location field's text, when it has some.
fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// For each name any fact asks for, the first field with a value under that (normalized)
/// name, properties first, then attributes. Built in one pass, so a profile of 100,000
/// attributes costs one normalization per field, not one per field and name (which took
/// ~450 ms to show such a profile).
fn named_fields(profile: &Profile) -> HashMap<String, &Field> {
    let wanted = &*WANTED;
    let mut found = HashMap::new();
    let mut key = String::new();
    for f in profile.properties.iter().chain(&profile.attributes) {
        if matches!(&f.value, Value::Null) || f.value == Value::String(String::new()) {
            continue;
        }
        if !wanted.may_name(&f.key) {
            continue;
        }
        normalize_key_into(&f.key, &mut key);
        if wanted.contains(&key) && !found.contains_key(key.as_str()) {
            found.insert(key.clone(), f);
        }
    }
    found
}

/// The names `FACT_KEYS` lists (built once), with a cheap first test on the raw key: most
/// keys of a big profile differ from every listed name in their last letter, their first
/// letter or their length, and are turned away without normalizing or hashing (hashing every key was half the cost of a watch refresh of 100,000
/// attributes).
static WANTED: LazyLock<Wanted> = LazyLock::new(Wanted::new);

struct Wanted {
    names: HashSet<&'static str>,
    /// For each first byte, a bit per length (up to 63) some listed name has.
    lengths_by_first: [u64; 256],
    /// The bytes some listed name ends in.
    last_bytes: [bool; 256],
}

impl Wanted {
    fn new() -> Wanted {
        let mut wanted = Wanted {
            names: HashSet::new(),
            lengths_by_first: [0; 256],
            last_bytes: [false; 256],
        };
        for name in FACT_KEYS
            .iter()
            .flat_map(|(_, names)| names.iter().copied())
        {
            wanted.names.insert(name);
            if let Some(last) = name
                .bytes()
                .next_back()
                .and_then(|b| wanted.last_bytes.get_mut(usize::from(b)))
            {
                *last = true;
            }
            if let (Some(first), Some(bit)) = (name.bytes().next(), length_bit(name.len()))
                && let Some(lengths) = wanted.lengths_by_first.get_mut(usize::from(first))
            {
                *lengths |= bit;
            }
        }
        wanted
    }

    /// Whether the normalized `key` is listed.
    fn contains(&self, key: &str) -> bool {
        self.names.contains(key)
    }

    /// Whether the raw field key can name a listed fact, read once from its end without
    /// normalizing it (no copy): the first letter and the length its normalized form would
    /// have. A non-ASCII key is not judged here (case mapping may change its bytes).
    fn may_name(&self, raw_key: &str) -> bool {
        let (mut first, mut len) = (None, 0);
        for b in raw_key.bytes().rev() {
            match b {
                b'.' => break,
                b'_' | b'-' | b' ' => {}
                _ if !b.is_ascii() => return true,
                _ => {
                    let lower = b.to_ascii_lowercase();
                    // The last letter is met first: most keys end in one no listed name
                    // ends in (a digit, say) and are turned away at their last byte.
                    if len == 0 && !self.last_bytes.get(usize::from(lower)).is_some_and(|l| *l) {
                        return false;
                    }
                    first = Some(lower);
                    len += 1;
                }
            }
        }
        self.shape_listed(first, len)
    }

    fn shape_listed(&self, first: Option<u8>, len: usize) -> bool {
        match (first, length_bit(len)) {
            (Some(first), Some(bit)) => self
                .lengths_by_first
                .get(usize::from(first))
                .is_some_and(|lengths| lengths & bit != 0),
            // Empty, or longer than any bit: only the set can say.
            _ => true,
        }
    }
}

fn length_bit(len: usize) -> Option<u64> {
    1u64.checked_shl(u32::try_from(len).ok()?)
}

/// The field stating one of `names` (tried in order, so the most telling one present wins).
fn find<'a>(found: &HashMap<String, &'a Field>, names: &[&str]) -> Option<&'a Field> {
    names.iter().find_map(|name| found.get(*name).copied())
}

/// A fact and the field stating it (found once, when the view is built; formatted as drawn).
pub struct FactField<'a> {
    pub label: &'static str,
    /// `properties` or `attributes`.
    pub section: &'static str,
    pub field: &'a Field,
}

/// Every fact of `FACT_KEYS` the profile states, in table order, with its field.
pub fn fact_fields(profile: &Profile) -> Vec<FactField<'_>> {
    let found = named_fields(profile);
    FACT_KEYS
        .iter()
        .filter_map(|(label, names)| {
            let field = find(&found, names)?;
            let section = if profile.properties.iter().any(|f| std::ptr::eq(f, field)) {
                "properties"
            } else {
                "attributes"
            };
            Some(FactField {
                label,
                section,
                field,
            })
        })
        .collect()
}

/// A fact as the Overview shows it: the label, the text (timestamps with their age) and the
/// key it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact {
    pub label: &'static str,
    pub text: String,
    pub key: String,
}

/// Every fact of `FACT_KEYS` the profile states, in table order.
pub fn facts(profile: &Profile, now: DateTime<Utc>) -> Vec<Fact> {
    let found = named_fields(profile);
    FACT_KEYS
        .iter()
        .filter_map(|(label, names)| {
            let field = find(&found, names)?;
            Some(Fact {
                label,
                text: fact_text(field, now),
                key: field.key.clone(),
            })
        })
        .collect()
}

/// A field's text, read as a timestamp where it is one even when the adapter gave no hint (an
/// ISO 8601 string in a free-form attribute).
pub fn fact_text(field: &Field, now: DateTime<Utc>) -> String {
    if field.hint == ValueHint::Plain
        && let Some(text) = timestamp_text(&field.value, ValueHint::IsoTimestamp, now)
    {
        return text;
    }
    field_text(field, now)
}

/// The location in one line, from every field: `Austin 78701, Texas, United States, North
/// America · America/Chicago`. A country sent only as its ISO code is named (`US` → United
/// States); a code that names no country is shown as sent. `None` when nothing is known.
pub fn location_line(location: &Location) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    match (present(&location.city), present(&location.postal_code)) {
        (Some(city), Some(code)) => parts.push(format!("{city} {code}")),
        (Some(one), None) | (None, Some(one)) => parts.push(one.to_owned()),
        (None, None) => {}
    }
    let region = present(&location.region);
    parts.extend(region.map(str::to_owned));
    if let Some(state) = present(&location.state).filter(|s| Some(*s) != region) {
        parts.push(state.to_owned());
    }
    let code = present(&location.country_code);
    let country = present(&location.country)
        .map(str::to_owned)
        .or_else(|| code.map(|c| super::countries::country_name(c).unwrap_or(c).to_owned()));
    parts.extend(country);
    parts.extend(present(&location.continent).map(str::to_owned));
    let mut line = parts.join(", ");
    if let Some(tz) = present(&location.timezone) {
        if !line.is_empty() {
            line.push_str(" · ");
        }
        line.push_str(tz);
    }
    (!line.is_empty()).then_some(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    #[test]
    fn the_quick_shape_test_never_turns_a_listed_name_away() {
        let wanted = Wanted::new();
        for name in FACT_KEYS.iter().flat_map(|(_, names)| names.iter()) {
            assert!(wanted.contains(name), "{name}");
        }
        for other in ["", "plans", "attribute12345", "lastseenx", &"x".repeat(80)] {
            assert!(!wanted.contains(other), "{other}");
        }
        // Raw keys: the shape is that of the normalized last part.
        for raw in [
            "user.Created_At",
            "LAST-SEEN",
            "a.b.plan",
            "Stätus",
            "\u{212A}ey",
        ] {
            assert!(wanted.may_name(raw), "{raw}");
        }
        for raw in [
            "attribute_12345",
            "plan.x",
            "created_at.value",
            "plans",
            "lastseen2",
        ] {
            assert!(!wanted.may_name(raw), "{raw}");
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 3, 4, 10, 0, 0).unwrap()
    }

    fn loc(pairs: &[(&str, &str)]) -> Location {
        let mut l = Location::default();
        for (k, v) in pairs {
            let slot = match *k {
                "city" => &mut l.city,
                "postal" => &mut l.postal_code,
                "region" => &mut l.region,
                "state" => &mut l.state,
                "country" => &mut l.country,
                "code" => &mut l.country_code,
                "continent" => &mut l.continent,
                "tz" => &mut l.timezone,
                other => panic!("{other}"),
            };
            *slot = Some((*v).to_owned());
        }
        l
    }

    #[test]
    fn the_location_line_uses_every_field() {
        let line = |pairs: &[(&str, &str)]| location_line(&loc(pairs));
        assert_eq!(
            line(&[("city", "Austin"), ("code", "US")]).as_deref(),
            Some("Austin, United States")
        );
        assert_eq!(line(&[("code", "de")]).as_deref(), Some("Germany"));
        assert_eq!(line(&[("code", "XQ")]).as_deref(), Some("XQ"));
        assert_eq!(
            line(&[("country", "Deutschland"), ("code", "DE")]).as_deref(),
            Some("Deutschland")
        );
        assert_eq!(
            line(&[("tz", "Asia/Kolkata")]).as_deref(),
            Some("Asia/Kolkata")
        );
        assert_eq!(
            line(&[
                ("city", "Austin"),
                ("postal", "78701"),
                ("region", "Texas"),
                ("state", "Texas"),
                ("country", "United States"),
                ("continent", "North America"),
                ("tz", "America/Chicago"),
            ])
            .as_deref(),
            Some("Austin 78701, Texas, United States, North America · America/Chicago")
        );
        assert_eq!(
            line(&[("region", "Bavaria"), ("state", "BY")]).as_deref(),
            Some("Bavaria, BY")
        );
        assert_eq!(line(&[("city", "  ")]), None);
        assert_eq!(line(&[]), None);
    }

    #[test]
    fn facts_come_from_well_known_keys_in_table_order() {
        let profile = Profile {
            properties: vec![
                Field::new("firstVisitTime", json!("2024-01-01T00:00:00Z")),
                Field::with_hint(
                    "signup_time",
                    json!(1709287200000i64),
                    ValueHint::EpochMillis,
                ),
                Field::new("last-seen-at", json!("2024-03-04T09:00:00Z")),
                Field::new("status", json!("")),
            ],
            attributes: vec![
                Field::new("properties.plan", json!("Enterprise")),
                Field::new("lastLogin", json!(null)),
            ],
            ..Profile::default()
        };
        assert_eq!(
            facts(&profile, now()),
            [
                Fact {
                    label: "Created",
                    text: "2024-03-01T10:00:00Z (3 days ago)".to_owned(),
                    key: "signup_time".to_owned(),
                },
                Fact {
                    label: "Last seen",
                    text: "2024-03-04T09:00:00Z (1 hour ago)".to_owned(),
                    key: "last-seen-at".to_owned(),
                },
                Fact {
                    label: "Plan / status",
                    text: "Enterprise".to_owned(),
                    key: "properties.plan".to_owned(),
                },
            ]
        );
        assert_eq!(facts(&Profile::default(), now()), []);
    }
}
