//! Names a profile refers to by id only, kept at another endpoint of the vendor (ChakraHQ's
//! team and role UUIDs are named by `GET /v1/ext/config`). The adapter says what to fetch
//! and how the names enter the profile; the lookup fetches once per connection and session.

use std::collections::HashMap;

use serde_json::Value;

use crate::error::LookupError;
use crate::profile::Normalized;
use crate::vendors::{Connection, RequestSpec};

/// Id → name, from every object with a string `id` and a string `name` in the directory.
pub type Names = HashMap<String, String>;

/// A vendor's directory of names (see `VendorAdapter::name_directory`).
pub trait NameDirectory: Sync {
    /// Whether this profile refers to anything the directory names; no request otherwise.
    fn wanted(&self, normalized: &Normalized) -> bool;

    /// The directory's request, sent with the same key as the lookup.
    fn request(&self, conn: &Connection) -> Result<RequestSpec, LookupError>;

    /// Put the names into the profile. `names` is `Err(why)` when the directory could not
    /// be read: the ids stay as they are, with a warning saying why. Never fails the lookup.
    fn apply(&self, names: Result<&Names, &str>, normalized: &mut Normalized);
}

/// Every object anywhere in `body` that has a string `id` and a non-empty string `name`,
/// whatever it is nested in: the directory's shape is not published, so none is assumed.
/// The first name seen for an id wins.
pub fn collect_names(body: &Value) -> Names {
    let mut names = Names::new();
    let mut stack = vec![body];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                if let (Some(Value::String(id)), Some(Value::String(name))) =
                    (map.get("id"), map.get("name"))
                    && !id.is_empty()
                    && !name.trim().is_empty()
                {
                    names.entry(id.clone()).or_insert_with(|| name.clone());
                }
                // Reversed, so that the first object in the body is seen first.
                stack.extend(map.values().rev());
            }
            Value::Array(items) => stack.extend(items.iter().rev()),
            _ => {}
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_are_found_at_any_depth_and_the_first_wins() {
        let body = json!({
            "_data": {
                "teams": [{"id": "t-1", "name": "Support", "members": [{"id": "u-1", "name": "Ann"}]}],
                "org": {"roles": {"admin": {"id": "r-1", "name": "Admin"}}},
                "again": [{"id": "t-1", "name": "Later"}],
                "odd": [{"id": 5, "name": "number id"}, {"id": "x", "name": ""}, {"id": "y"}]
            }
        });
        let names = collect_names(&body);
        let mut pairs: Vec<(&str, &str)> = names
            .iter()
            .map(|(id, name)| (id.as_str(), name.as_str()))
            .collect();
        pairs.sort_unstable();
        assert_eq!(
            pairs,
            [("r-1", "Admin"), ("t-1", "Support"), ("u-1", "Ann")]
        );
        assert!(collect_names(&json!([1, "a", null])).is_empty());
    }
}
