//! The compare engine from two sides to N: what several found profiles say about the same
//! thing (`userscope find`'s `merged`, design §9, JSON form stable).
//!
//! Fields lined up: `displayName`, `email`, `kind`, each `location.<field>`, and the
//! `attributes.<key>` / `properties.<key>` (one pool, as in Compare) and `tags.<key>` whose
//! keys match in at least two profiles — exactly first, then with case, `_`, `-` and spaces
//! ignored. Values compare by meaning (the same rules as Compare); a field with two or more
//! distinct values is a conflict. Each distinct value lists the sources that said it. A source
//! without the field says nothing about it: absent is never a conflict.

use serde::Serialize;
use serde_json::Value;

use crate::profile::{Field, LOCATION_FIELDS, Profile};

use super::equal::fields_equal;
use super::normalized_key;

/// One found profile and the name of the connection that found it.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    pub connection: &'a str,
    pub profile: &'a Profile,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Merged {
    /// How many found profiles were merged.
    pub found: usize,
    pub fields: Vec<MergedField>,
    /// The `field` of every conflicting entry, in `fields` order.
    pub conflicts: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MergedField {
    pub field: String,
    pub agree: bool,
    pub values: Vec<MergedValue>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MergedValue {
    /// The first spelling seen of this value, with its JSON type.
    pub value: Value,
    pub from: Vec<String>,
}

impl Merged {
    pub fn field(&self, name: &str) -> Option<&MergedField> {
        self.fields.iter().find(|f| f.field == name)
    }
}

/// Line up what `sources` say (their order is kept in every `from` list).
pub fn merge(sources: &[Source<'_>]) -> Merged {
    let mut fields = Vec::new();
    let texts = |get: fn(&Profile) -> Option<&str>| -> Vec<(&str, Field)> {
        sources
            .iter()
            .filter_map(|s| {
                get(s.profile)
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(|t| (s.connection, Field::new("", Value::String(t.to_owned()))))
            })
            .collect()
    };
    fields.extend(line_up(
        "displayName",
        texts(|p| p.display_name.as_deref()),
        same_name,
    ));
    fields.extend(line_up("email", texts(|p| p.email.as_deref()), same_text));
    fields.extend(line_up("kind", texts(|p| p.kind.as_deref()), same_text));
    for (i, name) in LOCATION_FIELDS.iter().enumerate() {
        let said: Vec<(&str, Field)> = sources
            .iter()
            .filter_map(|s| {
                let (_, value) = s.profile.location.entries().into_iter().nth(i)?;
                value
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(|t| (s.connection, Field::new("", Value::String(t.to_owned()))))
            })
            .collect();
        fields.extend(line_up(&format!("location.{name}"), said, same_text));
    }
    fields.extend(keyed(sources, |p| {
        p.properties
            .iter()
            .map(|f| ("properties", f))
            .chain(p.attributes.iter().map(|f| ("attributes", f)))
            .collect()
    }));
    fields.extend(keyed(sources, |p| {
        p.tags.iter().map(|f| ("tags", f)).collect()
    }));
    let conflicts = fields
        .iter()
        .filter(|f| !f.agree)
        .map(|f| f.field.clone())
        .collect();
    Merged {
        found: sources.len(),
        fields,
        conflicts,
    }
}

/// Texts that differ only in case are the same (emails, kinds, places).
fn same_text(a: &Field, b: &Field) -> bool {
    match (&a.value, &b.value) {
        (Value::String(x), Value::String(y)) => x.to_lowercase() == y.to_lowercase(),
        _ => fields_equal(a, b),
    }
}

/// Names: case and runs of spaces do not matter (`Jane  DOE` is `Jane Doe`).
fn same_name(a: &Field, b: &Field) -> bool {
    let words = |v: &Value| -> Option<Vec<String>> {
        v.as_str()
            .map(|s| s.split_whitespace().map(str::to_lowercase).collect())
    };
    match (words(&a.value), words(&b.value)) {
        (Some(x), Some(y)) => x == y,
        _ => fields_equal(a, b),
    }
}

/// Group what each source said into distinct values; `None` when nobody said anything.
fn line_up(
    field: &str,
    said: Vec<(&str, Field)>,
    same: fn(&Field, &Field) -> bool,
) -> Option<MergedField> {
    if said.is_empty() {
        return None;
    }
    // (the first spelling of a value, who said it)
    let mut classes: Vec<(Field, Vec<String>)> = Vec::new();
    for (connection, value) in said {
        match classes.iter_mut().find(|(first, _)| same(first, &value)) {
            Some((_, from)) => {
                if !from.iter().any(|c| c == connection) {
                    from.push(connection.to_owned());
                }
            }
            None => classes.push((value, vec![connection.to_owned()])),
        }
    }
    Some(MergedField {
        field: field.to_owned(),
        agree: classes.len() <= 1,
        values: classes
            .into_iter()
            .map(|(first, from)| MergedValue {
                value: first.value,
                from,
            })
            .collect(),
    })
}

/// (normalized key, field name as shown, what each source said).
type Group<'p> = (String, String, Vec<(&'p str, &'p Field)>);

/// Keyed fields (a pool of sections) whose keys meet in at least two sources. A key is taken
/// by its exact spelling first; other spellings join by `normalized_key`.
fn keyed<'p>(
    sources: &[Source<'p>],
    pool: impl Fn(&'p Profile) -> Vec<(&'static str, &'p Field)>,
) -> Vec<MergedField> {
    // One group per normalized key, in order of first appearance.
    let mut groups: Vec<Group<'_>> = Vec::new();
    for source in sources {
        for (section, field) in pool(source.profile) {
            let norm = normalized_key(&field.key);
            match groups.iter_mut().find(|(n, _, _)| *n == norm) {
                // One value per source: a second spelling in the same profile stays out.
                Some((_, _, said)) if said.iter().any(|(c, _)| *c == source.connection) => {}
                Some((_, _, said)) => said.push((source.connection, field)),
                None => groups.push((
                    norm,
                    format!("{section}.{}", field.key),
                    vec![(source.connection, field)],
                )),
            }
        }
    }
    groups
        .into_iter()
        .filter(|(_, _, said)| said.len() >= 2)
        .filter_map(|(_, name, said)| {
            let said = said
                .into_iter()
                .map(|(c, f)| (c, f.clone()))
                .collect::<Vec<_>>();
            line_up(&name, said, fields_equal)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::ValueHint;
    use serde_json::json;

    fn person(name: &str, email: &str, city: Option<&str>, seats: Value) -> Profile {
        Profile {
            display_name: Some(name.to_owned()),
            email: Some(email.to_owned()),
            attributes: vec![Field::new("seats", seats)],
            location: crate::profile::Location {
                city: city.map(str::to_owned),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn agreement_is_by_meaning_and_conflicts_list_every_source() {
        let a = person("Mara Lindqvist", "Mara@Example.org", Some("Oslo"), json!(5));
        let b = person(
            "mara  lindqvist",
            "mara@example.org",
            Some("oslo"),
            json!("5"),
        );
        let c = person("Mara Lindquist", "mara@example.org", None, json!(5.0));
        let merged = merge(&[
            Source {
                connection: "crm",
                profile: &a,
            },
            Source {
                connection: "helpdesk",
                profile: &b,
            },
            Source {
                connection: "analytics",
                profile: &c,
            },
        ]);
        assert_eq!(merged.found, 3);
        let name = merged.field("displayName").unwrap();
        assert!(!name.agree);
        assert_eq!(
            name.values,
            vec![
                MergedValue {
                    value: json!("Mara Lindqvist"),
                    from: vec!["crm".into(), "helpdesk".into()]
                },
                MergedValue {
                    value: json!("Mara Lindquist"),
                    from: vec!["analytics".into()]
                },
            ]
        );
        let email = merged.field("email").unwrap();
        assert!(email.agree);
        assert_eq!(email.values[0].from, ["crm", "helpdesk", "analytics"]);
        // vemetric has no city: that is silence, not a conflict.
        let city = merged.field("location.city").unwrap();
        assert!(city.agree);
        assert_eq!(city.values[0].from, ["crm", "helpdesk"]);
        assert!(merged.field("attributes.seats").unwrap().agree);
        assert_eq!(merged.conflicts, ["displayName"]);
    }

    #[test]
    fn keys_meet_exactly_then_by_normalized_spelling_and_need_two_sources() {
        let a = Profile {
            attributes: vec![
                Field::new("firstName", json!("Mara")),
                Field::new("only_here", json!(1)),
            ],
            tags: vec![Field::new("plan", json!("pro"))],
            ..Default::default()
        };
        let b = Profile {
            properties: vec![Field::new("first_name", json!("Mara"))],
            tags: vec![Field::new("Plan", json!("enterprise"))],
            ..Default::default()
        };
        let merged = merge(&[
            Source {
                connection: "a",
                profile: &a,
            },
            Source {
                connection: "b",
                profile: &b,
            },
        ]);
        let names: Vec<&str> = merged.fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["attributes.firstName", "tags.plan"]);
        assert_eq!(merged.conflicts, ["tags.plan"]);
    }

    #[test]
    fn timestamps_agree_across_iso_and_epoch_millis() {
        let a = Profile {
            properties: vec![Field::with_hint(
                "signup",
                json!("2024-03-01T10:00:00Z"),
                ValueHint::IsoTimestamp,
            )],
            ..Default::default()
        };
        let b = Profile {
            properties: vec![Field::with_hint(
                "signup",
                json!(1_709_287_200_000_i64),
                ValueHint::EpochMillis,
            )],
            ..Default::default()
        };
        let merged = merge(&[
            Source {
                connection: "a",
                profile: &a,
            },
            Source {
                connection: "b",
                profile: &b,
            },
        ]);
        assert!(merged.field("properties.signup").unwrap().agree);
        assert!(merged.conflicts.is_empty());
    }

    #[test]
    fn one_source_lines_up_its_identity_and_nothing_keyed() {
        let a = person("Ada", "ada@example.org", None, json!(1));
        let merged = merge(&[Source {
            connection: "a",
            profile: &a,
        }]);
        let names: Vec<&str> = merged.fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["displayName", "email"]);
        assert_eq!(merge(&[]).fields, Vec::new());
    }
}
