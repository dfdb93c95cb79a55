//! ChakraHQ's `team` and `role` are UUIDs; `GET /v1/ext/config` (vendor-facts) names them.
//! The config's shape is not published, so every object with an `id` and a `name` in it
//! counts. A UUID without a name, or a config that cannot be read, stays a UUID with a
//! warning: the lookup itself never fails for want of a name.

use crate::error::LookupError;
use crate::profile::{Normalized, Segment};
use crate::vendors::common::{self, NameDirectory, Names};
use crate::vendors::{AuthPlacement, Connection, RequestSpec};

pub const CONFIG_PATH: &str = "/v1/ext/config";

/// The config endpoint as a name directory for team and role segments.
pub struct ChakraConfig;

/// `team` / `role` when the segment is one of those memberships (see `adapter::membership`).
fn membership_type(segment: &Segment) -> Option<&str> {
    segment
        .details
        .iter()
        .find(|f| f.key == "type")
        .and_then(|f| f.value.as_str())
        .filter(|t| matches!(*t, "team" | "role"))
}

impl NameDirectory for ChakraConfig {
    fn wanted(&self, normalized: &Normalized) -> bool {
        normalized
            .profile
            .segments
            .iter()
            .any(|s| s.id.is_some() && membership_type(s).is_some())
    }

    fn request(&self, conn: &Connection) -> Result<RequestSpec, LookupError> {
        Ok(RequestSpec {
            method: "GET",
            url: common::vendor_url(conn, CONFIG_PATH, None)?,
            headers: Vec::new(),
            auth: AuthPlacement::bearer(),
        })
    }

    fn apply(&self, names: Result<&Names, &str>, normalized: &mut Normalized) {
        let mut warnings = Vec::new();
        let mut unnamed = Vec::new();
        for segment in &mut normalized.profile.segments {
            let (Some(kind), Some(id)) = (membership_type(segment), segment.id.as_deref()) else {
                continue;
            };
            let kind = kind.to_owned();
            match names {
                Ok(names) => match names.get(id) {
                    Some(name) => segment.name = Some(name.clone()),
                    None => warnings.push(format!(
                        "{kind}: {id} is not named in ChakraHQ's config ({CONFIG_PATH}); shown as its id"
                    )),
                },
                Err(_) => unnamed.push(kind),
            }
        }
        if let (Err(why), false) = (names, unnamed.is_empty()) {
            warnings.push(format!(
                "{}: names not available ({CONFIG_PATH}: {why}); shown as ids",
                unnamed.join(", ")
            ));
        }
        normalized.warnings.extend(
            warnings
                .iter()
                .map(|w| crate::sanitize::sanitize(w).into_owned()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Field;
    use serde_json::json;

    fn membership(id: &str, kind: &str) -> Segment {
        Segment {
            id: Some(id.into()),
            name: None,
            details: vec![Field::new("type", json!(kind))],
        }
    }

    fn profile() -> Normalized {
        let mut n = Normalized::default();
        n.profile.segments = vec![membership("t-1", "team"), membership("r-9", "role")];
        n
    }

    #[test]
    fn names_fill_segments_and_missing_ones_warn() {
        let names: Names = [("t-1".to_owned(), "Support".to_owned())].into();
        let mut n = profile();
        assert!(ChakraConfig.wanted(&n));
        ChakraConfig.apply(Ok(&names), &mut n);
        assert_eq!(n.profile.segments[0].name.as_deref(), Some("Support"));
        assert_eq!(n.profile.segments[1].name, None);
        assert_eq!(
            n.warnings,
            ["role: r-9 is not named in ChakraHQ's config (/v1/ext/config); shown as its id"]
        );
    }

    #[test]
    fn an_unreadable_config_is_one_warning() {
        let mut n = profile();
        ChakraConfig.apply(Err("ChakraHQ answered HTTP 500"), &mut n);
        assert_eq!(n.profile.segments[0].name, None);
        assert_eq!(
            n.warnings,
            [
                "team, role: names not available (/v1/ext/config: ChakraHQ answered HTTP 500); shown as ids"
            ]
        );
        assert!(!ChakraConfig.wanted(&Normalized::default()));
    }
}
